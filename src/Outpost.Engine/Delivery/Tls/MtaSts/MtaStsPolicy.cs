namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>
/// A parsed MTA-STS policy (RFC 8461 §3.2) with the id of the TXT record it was fetched under: its mode,
/// its MX host patterns, and how long it may be cached (max_age, capped at a year).
/// </summary>
public sealed record MtaStsPolicy(string Id, MtaStsMode Mode, IReadOnlyList<string> Mx, TimeSpan MaxAge)
{
    /// <summary>The policy as a delivery uses it; null for mode none (as if the domain had no policy).</summary>
    public TlsPolicy? ToTlsPolicy(string domain) => Mode switch
    {
        MtaStsMode.Enforce => new TlsPolicy(TlsMode.Verify, Mx, $"MTA-STS enforce for {domain}, policy id {Id}") { Report = ToReportPolicy() },
        MtaStsMode.Testing => new TlsPolicy(TlsMode.Opportunistic, Mx, $"MTA-STS testing for {domain}, policy id {Id}", ReportOnly: true) { Report = ToReportPolicy() },
        _ => null,
    };

    /// <summary>The policy as a TLS-RPT report names it: its lines as served (RFC 8460 §4.4 policy-string) and its mx patterns.</summary>
    public Report.TlsReportPolicy ToReportPolicy() =>
        new(Report.TlsReportPolicy.Sts,
            ["version: STSv1", $"mode: {Mode.ToString().ToLowerInvariant()}", .. Mx.Select(m => $"mx: {m}"), $"max_age: {(long)MaxAge.TotalSeconds}"], Mx);
}
