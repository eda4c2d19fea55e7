namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// What one TLS session (or the try of one) to a destination came to, as TLS-RPT counts it: the policy
/// domain and its policy, the result type (null: a successful session), and for a failure the MX host, its
/// address and a sentence on what was wrong.
/// </summary>
public sealed record TlsSessionResult(string Domain, TlsReportPolicy Policy, string? ResultType, string? MxHost = null, string? ReceivingIp = null, string? Reason = null)
{
    public bool Succeeded => ResultType is null;
}
