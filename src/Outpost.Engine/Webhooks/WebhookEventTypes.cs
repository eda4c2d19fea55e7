using Outpost.Engine.Queue;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Which lifecycle events an endpoint may ask for, the default set, and how a list of them is read.
/// "bounced" covers "expired" (a message that ran out of time; its status is bounced), so an endpoint that
/// wants bounces misses none.
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>The type of the event <c>outpost webhook test</c> sends; no lifecycle event has it.</summary>
    public const string Test = "test";

    public static readonly IReadOnlyList<string> Default =
    [
        LifecycleEvents.Delivered, LifecycleEvents.Bounced, LifecycleEvents.Deferred, LifecycleEvents.Held,
        LifecycleEvents.Suppressed, LifecycleEvents.Rejected, LifecycleEvents.Complaint,
    ];

    public static IReadOnlyList<string> All => LifecycleEvents.All;

    public static bool Covers(string wanted, string type) =>
        wanted == type || wanted == LifecycleEvents.Bounced && type == LifecycleEvents.Expired;

    /// <summary>"delivered,bounced" as a list (null or blank: the default set), or a sentence naming what is not an event.</summary>
    public static IReadOnlyList<string> Parse(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
            return Default;
        if (list.Length > 500)
            throw new ArgumentException("The list of events is too long; name each event once, e.g. delivered,bounced.");
        var names = list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant()).Distinct().ToList();
        foreach (var name in names)
            if (!All.Contains(name))
                throw new ArgumentException($"'{name}' is not an event; use some of {string.Join(", ", All)}.");
        return names.Count == 0 ? Default : names;
    }
}
