using System.IO.Compression;
using System.Text;
using MimeKit;

namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// The mail that carries a TLS-RPT report (RFC 8460 §5.3): multipart/report; report-type="tlsrpt", a short
/// text for a person, then the JSON gzipped as application/tlsrpt+gzip, named
/// <c>submitter!policy-domain!begin!end.json.gz</c>; the subject "Report Domain: … Submitter: … Report-ID: &lt;…&gt;"
/// (§5.3.1) and the TLS-Report-Domain and TLS-Report-Submitter fields.
/// </summary>
public static class TlsReportMessage
{
    public static MimeMessage Create(TlsReport report, string from, string to, string submitter, DateTimeOffset date)
    {
        var message = new MimeMessage
        {
            Subject = $"Report Domain: {report.Domain} Submitter: {submitter} Report-ID: <{report.ReportId}>",
            Date = date,
            MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(from[(from.IndexOf('@') + 1)..]),
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add("TLS-Report-Domain", report.Domain);
        message.Headers.Add("TLS-Report-Submitter", submitter);

        var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(report.Json));
        gzipped.Position = 0;
        var attachment = new MimePart("application", "tlsrpt+gzip")
        {
            Content = new MimeContent(gzipped),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = $"{submitter}!{report.Domain}!{report.Begin.ToUnixTimeSeconds()}!{report.End.ToUnixTimeSeconds()}.json.gz",
        };
        var text = new TextPart("plain")
        {
            Text = $"This is a TLS report (RFC 8460) for {report.Domain} from {submitter}, covering {report.Day} (UTC).\r\n" +
                $"The report is attached as {attachment.FileName}.\r\n",
        };
        message.Body = new MultipartReport("tlsrpt") { text, attachment };
        return message;
    }
}
