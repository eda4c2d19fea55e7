using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// Makes the RFC 8460 §4 JSON report of one policy domain for one UTC day from its stored counts: one
/// entry of "policies" per policy seen that day (type, text, mx patterns), its summary (successful and
/// failed sessions) and its failure-details (result type, receiving MX host and address, count, and the
/// sentence as failure-reason-code, the RFC's text field for an error message).
/// </summary>
public static class TlsReportBuilder
{
    /// <summary>The report of <paramref name="domain"/> for <paramref name="day"/> (YYYY-MM-DD) from its rows.</summary>
    public static TlsReport Build(string day, string domain, IReadOnlyList<TlsReportCount> rows, string organization, string contact, string submitter)
    {
        var begin = new DateTimeOffset(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = begin.AddDays(1).AddSeconds(-1);
        var reportId = $"{begin:yyyy.MM.dd}T00.00.00Z+{domain}@{submitter}";
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("organization-name", organization);
            json.WriteStartObject("date-range");
            json.WriteString("start-datetime", begin.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteString("end-datetime", end.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteString("contact-info", contact);
            json.WriteString("report-id", reportId);
            json.WriteStartArray("policies");
            foreach (var policy in rows.Where(r => r.Domain == domain).GroupBy(r => (r.PolicyType, r.PolicyString, r.MxHost)).OrderBy(g => g.Key.PolicyType, StringComparer.Ordinal).ThenBy(g => g.Key.PolicyString, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteStartObject("policy");
                json.WriteString("policy-type", policy.Key.PolicyType);
                if (policy.Key.PolicyString.Length > 0)
                {
                    json.WriteStartArray("policy-string");
                    foreach (var line in policy.Key.PolicyString.Split('\n'))
                        json.WriteStringValue(line);
                    json.WriteEndArray();
                }
                json.WriteString("policy-domain", domain);
                if (policy.Key.MxHost.Length > 0)
                {
                    json.WriteStartArray("mx-host");
                    foreach (var mx in policy.Key.MxHost.Split('\n'))
                        json.WriteStringValue(mx);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
                json.WriteStartObject("summary");
                json.WriteNumber("total-successful-session-count", policy.Where(r => r.ResultType.Length == 0).Sum(r => r.Count));
                json.WriteNumber("total-failure-session-count", policy.Where(r => r.ResultType.Length > 0).Sum(r => r.Count));
                json.WriteEndObject();
                var failures = policy.Where(r => r.ResultType.Length > 0).OrderBy(r => r.ResultType, StringComparer.Ordinal).ThenBy(r => r.ReceivingMx, StringComparer.Ordinal).ToList();
                if (failures.Count > 0)
                {
                    json.WriteStartArray("failure-details");
                    foreach (var f in failures)
                    {
                        json.WriteStartObject();
                        json.WriteString("result-type", f.ResultType);
                        if (f.ReceivingMx.Length > 0)
                            json.WriteString("receiving-mx-hostname", f.ReceivingMx);
                        if (f.ReceivingIp.Length > 0)
                            json.WriteString("receiving-ip", f.ReceivingIp);
                        json.WriteNumber("failed-session-count", f.Count);
                        if (f.Reason.Length > 0)
                            json.WriteString("failure-reason-code", f.Reason);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return new TlsReport(domain, day, reportId, begin, end, Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
