namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// A count of sessions as stored, per UTC day, policy domain, policy (type, text lines joined by '\n', MX
/// patterns joined by '\n') and result: <see cref="ResultType"/> empty for successes; for failures the MX host,
/// its address (empty when unknown) and the first sentence seen, as the report's failure-reason-code.
/// </summary>
public sealed record TlsReportCount(string Day, string Domain, string PolicyType, string PolicyString, string MxHost, string ResultType,
    string ReceivingMx, string ReceivingIp, string Reason, long Count);
