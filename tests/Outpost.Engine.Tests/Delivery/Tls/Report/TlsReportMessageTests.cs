using System.IO.Compression;
using System.Text.Json;
using MimeKit;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Delivery.Tls.Report;

/// <summary>The report mail (RFC 8460 §5.3): its subject, fields, the gzipped JSON as application/tlsrpt+gzip with the RFC's file name, and lines SMTP can carry.</summary>
public sealed class TlsReportMessageTests
{
    static TlsReport Report()
    {
        var rows = Enumerable.Range(0, 200).Select(i => new TlsReportCount("2026-12-01", "example.com", "sts", "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400",
            "*.example.com", "certificate-expired", $"mx{i}.example.com", $"192.0.2.{i % 250}", "the certificate of mx.example.com expired on 2026-11-01", i + 1)).ToList();
        return TlsReportBuilder.Build("2026-12-01", "example.com", rows, "Outpost Test", "tlsrpt@mail.example.net", "mail.example.net");
    }

    [Fact]
    public async Task The_mail_carries_the_gzipped_report_with_the_rfc_names_and_short_lines()
    {
        var report = Report();
        var message = TlsReportMessage.Create(report, "tlsrpt@mail.example.net", "reports@example.com", "mail.example.net", new DateTimeOffset(2026, 12, 2, 0, 5, 0, TimeSpan.Zero));
        var bytes = new MemoryStream();
        var crlf = FormatOptions.Default.Clone();
        crlf.NewLineFormat = NewLineFormat.Dos;
        await message.WriteToAsync(crlf, bytes);
        var text = System.Text.Encoding.ASCII.GetString(bytes.ToArray());
        Assert.DoesNotContain("\n", text.Replace("\r\n", ""));
        var longest = text.Split("\r\n").Max(l => l.Length);
        Assert.True(longest <= 998, $"a line of {longest} characters");

        var parsed = await MimeMessage.LoadAsync(new MemoryStream(bytes.ToArray()));
        Assert.Equal($"Report Domain: example.com Submitter: mail.example.net Report-ID: <{report.ReportId}>", parsed.Subject);
        Assert.Equal("example.com", parsed.Headers["TLS-Report-Domain"]);
        Assert.Equal("mail.example.net", parsed.Headers["TLS-Report-Submitter"]);
        var multipart = Assert.IsType<MultipartReport>(parsed.Body);
        Assert.Equal("tlsrpt", multipart.ReportType);
        var part = multipart.OfType<MimePart>().Single(p => p.ContentType.MimeType == "application/tlsrpt+gzip");
        Assert.Equal("mail.example.net!example.com!1796083200!1796169599.json.gz", part.FileName);
        var decoded = new MemoryStream();
        await part.Content!.DecodeToAsync(decoded);
        decoded.Position = 0;
        using var gunzip = new GZipStream(decoded, CompressionMode.Decompress);
        using var json = await JsonDocument.ParseAsync(gunzip);
        Assert.Equal(200, json.RootElement.GetProperty("policies")[0].GetProperty("failure-details").GetArrayLength());
    }
}
