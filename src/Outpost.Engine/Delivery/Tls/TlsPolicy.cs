namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// The TLS policy of one delivery, decided before connecting (<see cref="TlsPolicyResolver"/>): the mode,
/// the MX host patterns allowed (empty: any MX host), whether a failure is only reported (MTA-STS
/// <c>testing</c>: the certificate and patterns are checked, the mail goes anyway), and where the policy
/// came from, in words, as every attempt of the send log names it. Under DANE it also carries what each MX
/// host's TLSA records say (<see cref="Dane"/>), and <see cref="Refusal"/> when the destination cannot be
/// delivered to at all under it (its MX records failed DNSSEC validation); and how TLS-RPT reports sessions
/// under it (<see cref="Report"/>: null for the operator's table, which no destination published).
/// </summary>
public sealed record TlsPolicy(TlsMode Mode, IReadOnlyList<string> MxPatterns, string Source, bool ReportOnly = false)
{
    /// <summary>Today's behaviour for a destination that asks for nothing.</summary>
    public static TlsPolicy Opportunistic { get; } = new(TlsMode.Opportunistic, [], "opportunistic") { Report = Tls.Report.TlsReportPolicy.None };

    /// <summary>The policy as TLS-RPT names it in a report, or null when sessions under it are not reported.</summary>
    public Tls.Report.TlsReportPolicy? Report { get; init; }

    /// <summary>Under DANE, each allowed MX host (by its lower-case name) with its TLSA records; null otherwise.</summary>
    public IReadOnlyDictionary<string, DaneHost>? Dane { get; init; }

    /// <summary>Why no host may be tried (a clause for the reply), or null.</summary>
    public string? Refusal { get; init; }

    /// <summary>Whether a connection without TLS must be refused before any mail goes.</summary>
    public bool RequiresTls => Mode is TlsMode.Encrypt or TlsMode.Verify;

    /// <summary>Whether the server's certificate is checked (to refuse it, or to report what was wrong).</summary>
    public bool ChecksCertificate => Mode == TlsMode.Verify || ReportOnly;

    /// <summary>What DANE says of <paramref name="host"/>, or null when the policy is not DANE's.</summary>
    public DaneHost? DaneAt(string host) =>
        Dane is { } hosts && hosts.TryGetValue(host.TrimEnd('.').ToLowerInvariant(), out var found) ? found : null;

    /// <summary>Whether a connection to <paramref name="host"/> without TLS must be refused.</summary>
    public bool RequiresTlsAt(string host) => Mode == TlsMode.Dane ? DaneAt(host)?.RequiresTls ?? true : RequiresTls;

    /// <summary>
    /// Whether a connection opened under this policy may carry mail under <paramref name="now"/>: the same
    /// mode, the same report-only flag and the same MX patterns (and under DANE the same TLSA records). A
    /// table change, a new MTA-STS policy or new TLSA records must not ride on a connection opened under
    /// the old one.
    /// </summary>
    public bool Permits(TlsPolicy now) =>
        Mode == now.Mode && ReportOnly == now.ReportOnly && MxPatterns.SequenceEqual(now.MxPatterns, StringComparer.OrdinalIgnoreCase)
        && Refusal == now.Refusal && DaneText(this) == DaneText(now);

    /// <summary>Whether <paramref name="host"/> is one of the MX hosts the policy allows.</summary>
    public bool Allows(string host) => MxPatterns.Count == 0 || MxPatterns.Any(p => MxPattern.Matches(p, host));

    static string DaneText(TlsPolicy policy) => policy.Dane is not { } hosts ? ""
        : string.Join("; ", hosts.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {string.Join(", ", h.Value.Records)} {h.Value.Failure}"));
}
