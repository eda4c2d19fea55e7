using System.Text;
using MimeKit;
using MimeKit.Utils;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Bounces;

/// <summary>
/// Builds an RFC 3464 delivery status notification: a multipart/report with a plain explanation, the
/// machine-readable status per failed recipient, and the original message's headers (not its body,
/// so a bounce never carries a large attachment back).
/// </summary>
public static class DsnBuilder
{
    public static MimeMessage Build(string hostname, QueuedMessage original, IReadOnlyList<RecipientOutcome> failed, Stream originalContent, DateTimeOffset now)
    {
        var dsn = new MimeMessage();
        dsn.From.Add(new MailboxAddress("Mail Delivery System", $"MAILER-DAEMON@{hostname}"));
        dsn.To.Add(MailboxAddress.Parse(original.Sender));
        dsn.Subject = "Undelivered Mail Returned to Sender";
        dsn.Date = now;
        dsn.MessageId = MimeUtils.GenerateMessageId(hostname);
        dsn.Headers.Add("Auto-Submitted", "auto-replied");

        var text = new StringBuilder();
        text.Append("This is the mail system at ").Append(hostname).Append(".\n\n");
        text.Append("Your message");
        if (!string.IsNullOrEmpty(original.Subject))
            text.Append(" \"").Append(original.Subject).Append('"');
        text.Append(" could not be delivered to ").Append(failed.Count == 1 ? "this recipient" : "these recipients").Append(":\n\n");
        foreach (var outcome in failed)
            text.Append("  <").Append(outcome.Recipient.Address).Append(">: ").Append(outcome.Attempt.Reply).Append('\n');
        text.Append("\nThe reason is given after each address. Queue id: ").Append(original.Id).Append('\n');

        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList
        {
            { "Reporting-MTA", $"dns; {hostname}" },
            { "X-Outpost-Queue-ID", original.Id },
            { "Arrival-Date", DateUtils.FormatDate(original.ReceivedAt) },
        };
        status.StatusGroups.Add(perMessage);
        foreach (var outcome in failed)
        {
            var group = new HeaderList
            {
                { "Final-Recipient", $"rfc822; {outcome.Recipient.Address}" },
                { "Action", "failed" },
                { "Status", StatusCode(outcome.Attempt) },
            };
            if (outcome.Attempt.MxHost is { } mx)
                group.Add("Remote-MTA", $"dns; {mx}");
            if (outcome.Attempt.Code is not null)
                group.Add("Diagnostic-Code", $"smtp; {OneLine(outcome.Attempt.Reply)}");
            group.Add("Last-Attempt-Date", DateUtils.FormatDate(outcome.Attempt.At));
            status.StatusGroups.Add(group);
        }

        var headers = HeaderList.Load(originalContent);
        var headerBytes = new MemoryStream();
        headers.WriteTo(headerBytes);
        headerBytes.Position = 0;
        var returned = new MimePart("text", "rfc822-headers") { Content = new MimeContent(headerBytes) };

        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = text.ToString() },
            status,
            returned,
        };
        dsn.Body = report;
        return dsn;
    }

    /// <summary>
    /// The first enhanced status code in the reply text (e.g. "550 5.1.1 …", or "… the last try said: 451 4.7.1 …"
    /// for an expired message), else one derived from the basic code.
    /// </summary>
    public static string StatusCode(DeliveryAttempt attempt) =>
        RemoteReply.EnhancedIn(attempt.Reply) ?? (attempt.Code is >= 400 and < 500 ? "4.0.0" : "5.0.0");

    static string OneLine(string s) => s.Replace('\r', ' ').Replace('\n', ' ');
}
