namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// A TLS policy as a TLS-RPT report names it (RFC 8460 §4.4, "policy"): its type ("sts", "tlsa" or
/// "no-policy-found"), the policy's text as lines, and the MX patterns it allows. When the policy itself
/// could not be had (the MTA-STS fetch failed, the policy was invalid), <see cref="FailureType"/> and
/// <see cref="FailureReason"/> say so, and every session delivered under the fallback counts as that failure.
/// A policy of the operator's table has none: the destination did not publish it, so nothing is reported.
/// </summary>
public sealed record TlsReportPolicy(string PolicyType, IReadOnlyList<string> PolicyString, IReadOnlyList<string> MxHost,
    string? FailureType = null, string? FailureReason = null)
{
    public const string Sts = "sts";
    public const string Tlsa = "tlsa";
    public const string NoPolicyFound = "no-policy-found";

    /// <summary>A destination that publishes no policy.</summary>
    public static TlsReportPolicy None { get; } = new(NoPolicyFound, [], []);
}
