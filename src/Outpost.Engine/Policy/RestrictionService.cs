using Microsoft.Extensions.Logging;
using Outpost.Engine.Audit;
using Outpost.Engine.Configuration;
using Outpost.Smtp;

namespace Outpost.Engine.Policy;

/// <summary>
/// R1's consequence: each refused message is a violation, and so is each complaint a recipient made
/// about a delivered one; past a number of them the sender's external sending is restricted (and past
/// more, its whole domain's), until an operator lifts it. Every change is audited (the audit trail: who, when, why).
/// Internal mail is never restricted.
/// </summary>
public sealed class RestrictionService(IPolicyStore store, PolicyOptions options, TimeProvider time, ILogger<RestrictionService> logger)
{
    /// <summary>How long "not restricted" is believed: a burst of recipients costs one look at the database.</summary>
    static readonly TimeSpan FreeCacheTime = TimeSpan.FromSeconds(5);
    readonly System.Collections.Concurrent.ConcurrentDictionary<(string Sender, string Domain), DateTimeOffset> _free = new();

    /// <summary>The violation kind a complaint is stored as, beside the content classes' codes.</summary>
    public const string ComplaintKind = "complaint";

    /// <summary>The one sentence for a complaint's violation, in the restriction's reason and the log.</summary>
    public const string ComplaintReason = "a recipient reported the message as spam/abuse";

    public async Task RecordViolationAsync(string sender, string domain, ContentClass contentClass, string? subject, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await store.AddViolationAsync(now, sender, domain, contentClass, subject, cancellationToken);
        await EnforceAsync(sender, domain, now,
            $"{options.ViolationsBeforeRestriction} or more messages were refused as {contentClass.Code()} or similar within {options.ViolationWindow.TotalDays:0.#} days",
            cancellationToken);
    }

    /// <summary>
    /// After a complaint's violation was stored (in the complaint's own transaction): the same counting as
    /// for a refused message, so complaints and refusals together restrict a sender.
    /// </summary>
    public Task ComplaintRecordedAsync(string sender, string domain, CancellationToken cancellationToken = default) =>
        EnforceAsync(sender, domain, time.GetUtcNow(),
            $"{options.ViolationsBeforeRestriction} or more messages were refused or reported within {options.ViolationWindow.TotalDays:0.#} days, the last because {ComplaintReason}",
            cancellationToken);

    async Task EnforceAsync(string sender, string domain, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        _free.TryRemove((sender, domain), out _);
        var since = now - options.ViolationWindow;
        if (options.ViolationsBeforeRestriction > 0
            && await store.CountViolationsAsync(sender, null, since, cancellationToken) >= options.ViolationsBeforeRestriction
            && await store.ActiveRestrictionAsync(sender, "", cancellationToken) is null)
        {
            await store.RestrictAsync("mailbox", sender, reason, AuditActor.Outpost, now, cancellationToken);
            logger.LogWarning("External sending of {Sender} restricted: {Reason}", sender, reason);
        }
        if (options.DomainViolationsBeforeRestriction > 0
            && await store.CountViolationsAsync(null, domain, since, cancellationToken) >= options.DomainViolationsBeforeRestriction
            && (await store.ActiveRestrictionAsync("", domain, cancellationToken))?.Scope != "domain")
        {
            var domainReason = $"{options.DomainViolationsBeforeRestriction} or more messages from {domain} were refused or reported within {options.ViolationWindow.TotalDays:0.#} days";
            await store.RestrictAsync("domain", domain, domainReason, AuditActor.Outpost, now, cancellationToken);
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
