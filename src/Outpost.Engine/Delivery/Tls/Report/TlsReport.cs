namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>One RFC 8460 report: the policy domain and day it covers, its id, its time range, and its JSON.</summary>
public sealed record TlsReport(string Domain, string Day, string ReportId, DateTimeOffset Begin, DateTimeOffset End, string Json);
