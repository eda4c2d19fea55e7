namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// The TLS policy of one delivery, decided before connecting (<see cref="TlsPolicyResolver"/>): the mode,
/// the MX host patterns allowed (empty: any MX host), whether a failure is only reported (MTA-STS
/// <c>testing</c>: the certificate and patterns are checked, the mail goes anyway), and where the policy
/// came from, in words, as every attempt of the send log names it; and how TLS-RPT reports sessions under it
/// (<see cref="Report"/>: null for the operator's table, which no destination published).
/// </summary>
public sealed record TlsPolicy(TlsMode Mode, IReadOnlyList<string> MxPatterns, string Source, bool ReportOnly = false)
{
    /// <summary>Today's behaviour for a destination that asks for nothing.</summary>
    public static TlsPolicy Opportunistic { get; } = new(TlsMode.Opportunistic, [], "opportunistic") { Report = Tls.Report.TlsReportPolicy.None };

    /// <summary>The policy as TLS-RPT names it in a report, or null when sessions under it are not reported.</summary>
    public Tls.Report.TlsReportPolicy? Report { get; init; }

    /// <summary>Whether a connection without TLS must be refused before any mail goes.</summary>
    public bool RequiresTls => Mode is TlsMode.Encrypt or TlsMode.Verify;

    /// <summary>Whether the server's certificate is checked (to refuse it, or to report what was wrong).</summary>
    public bool ChecksCertificate => Mode == TlsMode.Verify || ReportOnly;

    /// <summary>
    /// Whether a connection opened under this policy may carry mail under <paramref name="now"/>: the same
    /// mode, the same report-only flag and the same MX patterns. A table change or a new MTA-STS policy
    /// must not ride on a connection opened under the old one.
    /// </summary>
    public bool Permits(TlsPolicy now) =>
        Mode == now.Mode && ReportOnly == now.ReportOnly && MxPatterns.SequenceEqual(now.MxPatterns, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="host"/> is one of the MX hosts the policy allows.</summary>
    public bool Allows(string host) => MxPatterns.Count == 0 || MxPatterns.Any(p => MxPattern.Matches(p, host));
}
