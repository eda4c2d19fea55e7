using System.Globalization;
using Outpost.Engine.Routing;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Complaints;

/// <summary>
/// Finds the message a report is about, trying in order: the queue id the original carries
/// (X-Outpost-Id, or Outpost's own Received line), its Message-ID as Outpost recorded it, then its
/// envelope sender, a recipient and the date in the send log. Then the complainer: the first of
/// Original-Rcpt-To, the original's To and Cc, and (for a forward) the person who forwarded it, that is
/// a recipient of that message. When the report's addresses are redacted the message alone decides:
/// its only recipient (at the redacted address's domain) is the complainer, and the explanation says so.
/// Talks to: the complaint store's look-ups and the send log. Security: only messages Outpost sent are
/// matched, and a complainer is only ever one of their recipients, so a report cannot name anyone else.
/// </summary>
public sealed class ComplaintMatcher(IComplaintStore store, ISendLog log, FeedbackAddresses feedback)
{
    /// <summary>How far from the report's date a message with the named sender and recipient is looked for.</summary>
    public static readonly TimeSpan DateWindow = TimeSpan.FromDays(2);

    /// <summary>With no recipient to go on (redacted), only a message from the sender this close to the date is taken.</summary>
    public static readonly TimeSpan RedactedWindow = TimeSpan.FromHours(1);

    const int MostCandidates = 10;

    public async Task<ComplaintMatch> MatchAsync(FeedbackReport report, CancellationToken cancellationToken = default)
    {
        var named = report.OriginalRcptTo
            .Concat(report.Original?.Recipients ?? [])
            .Concat(report.Kind == ReportKinds.Forwarded && report.Reporter is { } forwarder ? [forwarder] : Array.Empty<string>())
            .Where(a => !feedback.Contains(a))
            .Distinct()
            .ToList();
        var candidates = named.Where(a => !ReportAddresses.LooksRedacted(a)).Take(MostCandidates).ToList();
        var redactedDomains = named.Where(ReportAddresses.LooksRedacted).Select(ReportAddresses.DomainOf).Distinct().ToList();
        var redacted = redactedDomains.Count > 0 || candidates.Count == 0;
        var misses = new List<string>();
        var original = report.Original;

        if (original?.QueueId is { } queueId)
        {
            if (await log.GetReportAsync(queueId, cancellationToken) is { } byId)
                return Complainer(byId, MatchMethods.QueueId, candidates, redactedDomains, redacted);
            misses.Add($"no message sent through Outpost has the queue id {queueId}");
        }

        if (original?.MessageId is { } messageId)
        {
            MessageReport? best = null;
            foreach (var id in await store.MessagesWithHeaderIdAsync(messageId, MostCandidates, cancellationToken))
            {
                if (await log.GetReportAsync(id, cancellationToken) is not { } found)
                    continue;
                best ??= found;
                // A Message-ID a client reused: the message that went to the complainer.
                if (found.Recipients.Any(r => candidates.Contains(r.Address)))
                {
                    best = found;
                    break;
                }
            }
            if (best is not null)
                return Complainer(best, MatchMethods.MessageId, candidates, redactedDomains, redacted);
            misses.Add($"none has the Message-ID <{messageId}>");
        }

        var sender = report.OriginalMailFrom ?? original?.From;
        var date = report.ArrivalDate ?? original?.Date;
        if (sender is not null && date is { } at)
        {
            var when = at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
            if (candidates.Count > 0)
            {
                foreach (var recipient in candidates)
                {
                    var sent = await store.MessagesSentAsync(sender, recipient, at - DateWindow, at + DateWindow, 20, cancellationToken);
                    if (sent.Count == 0)
                        continue;
                    var nearest = sent.MinBy(s => Math.Abs((s.ReceivedAt - at).Ticks));
                    if (await log.GetReportAsync(nearest.Id, cancellationToken) is { } found)
                        return Complainer(found, MatchMethods.SenderRecipientDate, candidates, redactedDomains, redacted);
                }
                misses.Add($"none went from <{sender}> to <{string.Join(">, <", candidates)}> within two days of {when}");
            }
            else
            {
                var sent = await store.MessagesSentAsync(sender, null, at - RedactedWindow, at + RedactedWindow, 20, cancellationToken);
                var fitting = new List<MessageReport>();
                foreach (var (id, _) in sent)
                    if (await log.GetReportAsync(id, cancellationToken) is { } found
                        && (redactedDomains.Count == 0 || found.Recipients.Any(r => redactedDomains.Contains(r.Domain))))
                        fitting.Add(found);
                if (fitting.Count == 1)
                    return Complainer(fitting[0], MatchMethods.SenderRecipientDate, candidates, redactedDomains, redacted);
                misses.Add(fitting.Count == 0
                    ? $"none went from <{sender}> within an hour of {when}"
                    : $"{fitting.Count} messages went from <{sender}> within an hour of {when}, and the report's redacted addresses do not say which");
            }
        }
        else if (misses.Count == 0)
            return new ComplaintMatch(null, null, null,
                "Could not be matched: the report names no queue id, no Message-ID, and not both the sender and the date of the original message.");

        return new ComplaintMatch(null, null, null, "Could not be matched: " + string.Join("; ", misses) + ".");
    }

    static ComplaintMatch Complainer(MessageReport found, string method, List<string> candidates, List<string> redactedDomains, bool redacted)
    {
        var how = $"Matched to {found.Message.Id} by its {MatchMethods.Words(method)}";
        foreach (var candidate in candidates)
            if (found.Recipients.FirstOrDefault(r => r.Address == candidate) is { } recipient)
                return new ComplaintMatch(found, recipient, method, $"{how}; the complainer <{candidate}> is one of its recipients.");
        if (!redacted)
            return new ComplaintMatch(found, null, method, $"{how}, but <{candidates[0]}> is not one of its recipients, so nobody is suppressed.");

        // Redacted: the message alone says who it was, when it went to one recipient (at the redacted domain).
        var pool = redactedDomains.Count > 0 ? found.Recipients.Where(r => redactedDomains.Contains(r.Domain)).ToList() : found.Recipients.ToList();
        var where = redactedDomains.Count > 0 ? " at " + string.Join(", ", redactedDomains) : "";
        if (pool.Count == 1)
            return new ComplaintMatch(found, pool[0], method,
                $"{how}; the report's addresses are redacted, so the complainer is taken to be its only recipient{where}, <{pool[0].Address}>.");
        return new ComplaintMatch(found, null, method,
            $"{how}; the report's addresses are redacted and it went to {pool.Count} recipients{where}, so nobody is suppressed.");
    }
}
