using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Smtp;

namespace Outpost.Engine.Policy;

/// <summary>
/// R1's consequence: each refused message is a violation; past a number of them the sender's external
/// sending is restricted (and past more, its whole domain's), until an operator lifts it. Every change
/// is audited: who, when, why. Internal mail is never restricted.
/// </summary>
public sealed class RestrictionService(IPolicyStore store, PolicyOptions options, TimeProvider time, ILogger<RestrictionService> logger)
{
    /// <summary>How long "not restricted" is believed: a burst of recipients costs one look at the database.</summary>
    static readonly TimeSpan FreeCacheTime = TimeSpan.FromSeconds(5);
    readonly System.Collections.Concurrent.ConcurrentDictionary<(string Sender, string Domain), DateTimeOffset> _free = new();

    public async Task RecordViolationAsync(string sender, string domain, ContentClass contentClass, string? subject, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        _free.TryRemove((sender, domain), out _);
        await store.AddViolationAsync(now, sender, domain, contentClass, subject, cancellationToken);
        var since = now - options.ViolationWindow;
        var reason = $"{options.ViolationsBeforeRestriction} or more messages were refused as {contentClass.Code()} or similar within {options.ViolationWindow.TotalDays:0.#} days";
        if (options.ViolationsBeforeRestriction > 0
            && await store.CountViolationsAsync(sender, null, since, cancellationToken) >= options.ViolationsBeforeRestriction
            && await store.ActiveRestrictionAsync(sender, "", cancellationToken) is null)
        {
            await store.RestrictAsync("mailbox", sender, reason, "outpost", now, cancellationToken);
            logger.LogWarning("External sending of {Sender} restricted: {Reason}", sender, reason);
        }
        if (options.DomainViolationsBeforeRestriction > 0
            && await store.CountViolationsAsync(null, domain, since, cancellationToken) >= options.DomainViolationsBeforeRestriction
            && (await store.ActiveRestrictionAsync("", domain, cancellationToken))?.Scope != "domain")
        {
            var domainReason = $"{options.DomainViolationsBeforeRestriction} or more messages from {domain} were refused within {options.ViolationWindow.TotalDays:0.#} days";
            await store.RestrictAsync("domain", domain, domainReason, "outpost", now, cancellationToken);
            logger.LogWarning("External sending of the domain {Domain} restricted: {Reason}", domain, domainReason);
        }
    }

    /// <summary>The refusal for a restricted sender, or null.</summary>
    public async Task<SmtpReply?> RefusalAsync(string sender, string domain, CancellationToken cancellationToken = default)
    {
        if (_free.TryGetValue((sender, domain), out var until) && until > time.GetUtcNow())
            return null;
        var restriction = await store.ActiveRestrictionAsync(sender, domain, cancellationToken);
        if (restriction is null)
        {
            _free[(sender, domain)] = time.GetUtcNow() + FreeCacheTime;
            return null;
        }
        var who = restriction.Scope == "domain" ? $"the domain {restriction.Subject}" : restriction.Subject;
        return new SmtpReply(550, "5.7.1", $"Sending is restricted for {who}: {restriction.Reason}; ask the operator to lift it");
    }
}
