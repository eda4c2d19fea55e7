using Outpost.Engine.Delivery.Tls.MtaSts;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>A policy host as a table: the text each domain serves (null: the fetch fails); counts fetches, and can be held to show who waits for one.</summary>
internal sealed class FakeMtaStsFetcher : IMtaStsFetcher
{
    public Dictionary<string, string?> Served { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int Fetches;

    /// <summary>While set, every fetch waits for it.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public async Task<(string? Text, string? Error, string? ResultType)> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Fetches);
        if (Hold is { } hold)
            await hold.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        return Served.TryGetValue(domain, out var text) && text is not null
            ? (text, null, null)
            : (null, $"mta-sts.{domain} answered 404 to the policy request", TlsResultTypes.StsPolicyFetchError);
    }
}
