using System.Globalization;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;
using Outpost.Smtp;

namespace Outpost.Engine.Suppression;

/// <summary>
/// The suppression lists (PRODUCT: never send twice to an address that bounced for good). Delivery
/// reports each permanent failure about the recipient (5.1.x user unknown, 5.2.1 mailbox disabled; not a
/// full mailbox), which puts the address on the sending domain's list with the reply. At RCPT
/// the submission asks <see cref="RefusalAsync"/>, and a suppressed address gets one sentence, the same
/// in SMTP, the API and the send log. Operators and domain admins list, add, remove, import and export.
/// Talks to: its store. Security: entries are scoped by sending domain; callers check who may see which.
/// </summary>
public sealed class SuppressionService(ISuppressionStore store, SuppressionOptions options, TimeProvider time, ILogger<SuppressionService> logger)
{
    /// <summary>
    /// After a bounce whose reply says the address is gone (the delivery's classifier decides that:
    /// <see cref="Delivery.BounceClassifier.MeansAddressGone"/>): the recipient is suppressed for the sender's domain.
    /// </summary>
    public async Task RecordBounceAsync(string senderDomain, QueuedRecipient recipient, DeliveryAttempt attempt, CancellationToken cancellationToken = default)
    {
        if (senderDomain.Length == 0 || recipient.Route != Route.Remote)
            return;
        var now = time.GetUtcNow();
        var expires = options.HardBounceDays > 0 ? now.AddDays(options.HardBounceDays) : (DateTimeOffset?)null;
        await store.UpsertAsync(new Suppression(senderDomain.ToLowerInvariant(), recipient.Address.ToLowerInvariant(), attempt.Reply, SuppressionSources.Bounce,
            now, expires, recipient.MessageId), cancellationToken);
        logger.LogInformation("{Address} is suppressed for {Domain}: {Reply}", recipient.Address, senderDomain, attempt.Reply);
    }

    /// <summary>The refusal for a suppressed recipient, or null when mail to it may go.</summary>
    public async Task<SmtpReply?> RefusalAsync(string senderDomain, string recipient, CancellationToken cancellationToken = default)
    {
        var entry = await store.FindAsync(senderDomain.ToLowerInvariant(), recipient.ToLowerInvariant(), cancellationToken);
        if (entry is null || !entry.IsActive(time.GetUtcNow()))
            return null;
        return new SmtpReply(550, "5.1.1", Sentence(entry));
    }

    /// <summary>"&lt;bob@remote.test&gt; is suppressed since 2026-12-01: 550 5.1.1 user unknown".</summary>
    public static string Sentence(Suppression entry) =>
        $"<{entry.Address}> is suppressed since {entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: {OneLine(entry.Reason)}";

    public async Task<Suppression> AddAsync(string domain, string address, string? reason, string by, TimeSpan? lasting = null, string source = SuppressionSources.Operator,
        CancellationToken cancellationToken = default)
    {
        var normalised = Normalise(address);
        var now = time.GetUtcNow();
        var entry = new Suppression(domain.Trim().ToLowerInvariant(), normalised, string.IsNullOrWhiteSpace(reason) ? $"added by {by}" : reason.Trim(), source,
            now, lasting is { } span ? now + span : null, null, by);
        await store.UpsertAsync(entry, cancellationToken);
        return entry;
    }

    public Task<bool> RemoveAsync(string domain, string address, CancellationToken cancellationToken = default) =>
        store.RemoveAsync(domain.Trim().ToLowerInvariant(), Normalise(address), cancellationToken);

    public Task<IReadOnlyList<Suppression>> ListAsync(string? domain, string? search, int limit, CancellationToken cancellationToken = default) =>
        store.ListAsync(domain?.Trim().ToLowerInvariant(), string.IsNullOrWhiteSpace(search) ? null : search.Trim().ToLowerInvariant(), limit, cancellationToken);

    /// <summary>An address as the lists keep it, or a sentence saying why it is not one.</summary>
    public static string Normalise(string address)
    {
        var trimmed = address.Trim().Trim('<', '>').ToLowerInvariant();
        var at = trimmed.LastIndexOf('@');
        if (at <= 0 || at == trimmed.Length - 1 || trimmed.Length > 320 || trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ',' or ';' or '"'))
            throw new ArgumentException($"'{address}' is not an e-mail address.");
        return trimmed;
    }

    static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
