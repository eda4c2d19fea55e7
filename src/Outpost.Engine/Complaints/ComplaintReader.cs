using System.Globalization;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;
using Outpost.Engine.Suppression;

namespace Outpost.Engine.Complaints;

/// <summary>
/// The feedback mailbox. Each report that arrives at a feedback address (local delivery hands it over
/// instead of writing a Maildir), or that a person hands in through the API, CLI or web, is read
/// (<see cref="FeedbackReportParser"/>), matched to the message Outpost sent (<see cref="ComplaintMatcher"/>)
/// and acted on in one transaction: the complainer is suppressed for the sending domain (source
/// complaint, the feedback type and date as the reply), a <c>complaint</c> event goes into the outbox,
/// and a violation counts towards the sender's restriction (<see cref="RestrictionService"/>). Every
/// report is kept with its raw bytes (at most <c>Complaints:MaxReportSize</c>) and the sentence saying
/// what came of it; one that cannot be read or matched is listed as unmatched, never dropped.
/// Talks to: the parser, the matcher, its store, the restriction service.
/// Security: anyone may send to the feedback listener, so a report is bounded in size and nesting,
/// nothing in it is followed or run, and it can act only on a message Outpost sent and its recipients;
/// the same complaint about the same message counts once.
/// </summary>
public sealed class ComplaintReader(IComplaintStore store, IMessageBodyStore bodies, ComplaintMatcher matcher, RestrictionService restrictions, ComplaintOptions options,
    TimeProvider time, ILogger<ComplaintReader> logger) : IFeedbackMailbox
{
    const int MaxListed = 998;

    // One report at a time: two copies of the same complaint read side by side must not both count.
    // Reports are few; the local delivery workers wait a moment for each other.
    readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Reads the copy of <paramref name="report"/> that local delivery has for one feedback address; again after a crash, the same complaint comes back.</summary>
    public async Task<Complaint> ReadSpooledAsync(QueuedMessage report, QueuedRecipient feedbackAddress, CancellationToken cancellationToken = default)
    {
        if (await store.FindByReportAsync(report.Id, feedbackAddress.Address, cancellationToken) is { } seen)
            return seen;
        await using var file = await bodies.OpenReadAsync(report.Id, cancellationToken);
        return await ReadAsync(file, new ReportOrigin(ReportOrigin.Smtp, report.Id, feedbackAddress.Address, report.Sender), cancellationToken);
    }

    async Task<string> IFeedbackMailbox.ReadAsync(QueuedMessage report, QueuedRecipient feedbackAddress, CancellationToken cancellationToken)
    {
        var complaint = await ReadSpooledAsync(report, feedbackAddress, cancellationToken);
        return $"Read as complaint {complaint.Id} ({complaint.Status})";
    }

    /// <summary>Reads a report handed in by a person (the API, the CLI, the web page); bytes past <c>Complaints:MaxReportSize</c> are counted, not kept.</summary>
    public async Task<Complaint> ReadAsync(Stream report, ReportOrigin origin, CancellationToken cancellationToken = default)
    {
        var kept = new MemoryStream();
        var buffer = new byte[64 * 1024];
        long size = 0;
        int read;
        while ((read = await report.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var room = (int)Math.Max(0, Math.Min(read, options.MaxReportSize - kept.Length));
            kept.Write(buffer, 0, room);
            size += read;
            // A file says how long it is; only a stream that cannot is read to its end to count the rest.
            if (kept.Length == options.MaxReportSize && report.CanSeek)
            {
                size = report.Length;
                break;
            }
        }
        return await ReadAsync(kept.ToArray(), size, origin, cancellationToken);
    }

    async Task<Complaint> ReadAsync(byte[] raw, long size, ReportOrigin origin, CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            return await ReadOneAsync(raw, size, origin, cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    async Task<Complaint> ReadOneAsync(byte[] raw, long size, ReportOrigin origin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var truncated = size > raw.Length;
        FeedbackReport report;
        try
        {
            report = FeedbackReportParser.Parse(raw, truncated);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Never lose a report to a parser's surprise: it is kept, and says what went wrong.
            report = FeedbackReport.Unreadable($"The report could not be read: {e.Message}");
        }

        var complaint = new Complaint
        {
            ReceivedAt = now,
            Status = ComplaintStatuses.Unmatched,
            Explanation = report.Problem ?? "",
            Kind = report.Kind,
            FeedbackType = report.FeedbackType,
            Via = origin.Via,
            ReportId = origin.ReportId,
            ReportAddress = origin.Address,
            Reporter = report.Reporter ?? (string.IsNullOrEmpty(origin.EnvelopeSender) ? null : origin.EnvelopeSender),
            ReadBy = origin.By,
            UserAgent = report.UserAgent,
            ArrivalDate = report.ArrivalDate,
            SourceIp = report.SourceIp,
            ReportedDomain = report.ReportedDomain,
            OriginalMailFrom = report.OriginalMailFrom,
            OriginalRcptTo = report.OriginalRcptTo.Count == 0 ? null : Shorten(string.Join(", ", report.OriginalRcptTo), MaxListed),
            Comment = report.Comment,
            RawSize = size,
            RawTruncated = truncated,
        };

        ComplaintEffects? effects = null;
        if (report.Problem is null)
        {
            var match = await matcher.MatchAsync(report, cancellationToken);
            complaint = complaint with { Explanation = match.Explanation };
            if (match.Report is { } found)
            {
                var sender = found.Message.Sender;
                complaint = complaint with
                {
                    MatchedBy = match.Method,
                    MessageId = found.Message.Id,
                    RecipientId = match.Complainer?.Id,
                    Complainer = match.Complainer?.Address,
                    Sender = sender.Length == 0 ? null : sender,
                    SenderDomain = sender.Length == 0 ? null : sender[(sender.IndexOf('@') + 1)..],
                    Subject = found.Message.Subject,
                };
                var type = report.FeedbackType!;
                if (!FeedbackTypes.IsComplaint(type))
                    complaint = complaint with
                    {
                        Status = ComplaintStatuses.Ignored,
                        Explanation = type == FeedbackTypes.NotSpam
                            ? $"{match.Explanation} A not-spam report (a recipient took the message out of the spam folder) changes nothing."
                            : $"{match.Explanation} A report of type {type} is not a complaint, so it changes nothing.",
                    };
                // Once per complainer and message; a report naming nobody of the message (redacted, or another
                // address) once per message, so the same report sent again never counts twice.
                else if (await store.FindForRecipientAsync(found.Message.Id, match.Complainer?.Id, ComplaintStatuses.Matched, cancellationToken) is { } earlier)
                    complaint = complaint with
                    {
                        Status = ComplaintStatuses.Duplicate,
                        Explanation = $"{match.Explanation} The same complaint was read before (complaint {earlier.Id} of {Day(earlier.ReceivedAt)}), so nothing changes twice.",
                    };
                else
                {
                    effects = Effects(report, match, found.Message, now);
                    complaint = complaint with { Status = ComplaintStatuses.Matched, Explanation = match.Explanation + " " + Consequence(effects, sender) };
                }
            }
            else if (report.FeedbackType is { } other && !FeedbackTypes.IsComplaint(other))
                complaint = complaint with { Status = ComplaintStatuses.Ignored, Explanation = $"A report of type {other} is not a complaint; it is kept and changes nothing. {match.Explanation}" };
        }

        var stored = await store.RecordAsync(complaint, raw, effects, cancellationToken);
        if (effects?.Violation is { } violation)
        {
            try
            {
                await restrictions.ComplaintRecordedAsync(violation.Sender, violation.Domain, cancellationToken);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException)
            {
                // The violation is stored; the next violation of the sender counts it.
                logger.LogWarning(e, "Complaint {Id}: could not check the restriction of {Sender}", stored.Id, violation.Sender);
            }
        }
        logger.LogInformation("Complaint {Id} ({Kind}, {Status}) from {Reporter}: {Explanation}", stored.Id, stored.Kind, stored.Status,
            stored.Reporter ?? "(unknown)", stored.Explanation);
        return stored;
    }

    static ComplaintEffects Effects(FeedbackReport report, ComplaintMatch match, QueuedMessage message, DateTimeOffset now)
    {
        var type = report.FeedbackType!;
        var sender = message.Sender;
        var domain = sender.Length == 0 ? "" : sender[(sender.IndexOf('@') + 1)..];
        // The day the recipient reported it: the report's Arrival-Date, unless that is missing or in the future.
        var reported = report.ArrivalDate is { } arrival && arrival <= now + TimeSpan.FromDays(1) ? arrival : now;
        var suppression = match.Complainer is { } recipient && domain.Length > 0
            ? new Suppression.Suppression(domain, recipient.Address, $"the recipient reported a message as {FeedbackTypes.Words(type)} on {Day(reported)}",
                SuppressionSources.Complaint, now, null, message.Id)
            : null;
        var reason = report.Kind == ReportKinds.Forwarded
            ? $"the recipient forwarded the message as a complaint ({type})"
            : $"the recipient reported the message as {type} in a feedback report" + (report.UserAgent is { } agent ? $" ({Shorten(agent, 100)})" : "");
        return new ComplaintEffects(suppression, match.Complainer, reason,
            sender.Length == 0 ? null : new ComplaintViolation(sender, domain, message.Subject));
    }

    static string Consequence(ComplaintEffects effects, string sender) => (effects.Suppression, effects.Violation) switch
    {
        ({ } s, { }) => $"<{s.Address}> is suppressed for {s.Domain}, and the complaint counts against {sender}.",
        (null, { }) => $"The complaint counts against {sender}.",
        _ => "The message came from the null sender, so nobody is suppressed and nothing is counted.",
    };

    static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];
}
