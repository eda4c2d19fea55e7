namespace Outpost.Engine.Configuration;

/// <summary>
/// The server certificate (without a path, a self-signed one is made on first start under the data
/// directory), and what outbound TLS trusts: the system's roots, and any extra ones in
/// <see cref="TrustedRootsFile"/>.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file, or a PEM certificate with <see cref="KeyPath"/>.</summary>
    public string? CertificatePath { get; set; }
    public string? KeyPath { get; set; }
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// A PEM file of extra root certificates that verified outbound TLS (the policy modes that check a
    /// certificate, MTA-STS policy fetches) trusts besides the system's store: a private CA, or a test's.
    /// </summary>
    public string? TrustedRootsFile { get; set; }

    /// <summary>The port MTA-STS policies are fetched from over HTTPS (RFC 8461: 443); tests point it at a server of their own.</summary>
    public int MtaStsPort { get; set; } = 443;

    /// <summary>Whether MTA-STS policies are looked up at all.</summary>
    public bool MtaSts { get; set; } = true;

    /// <summary>Whether DANE (RFC 7672) TLSA records are looked up, through the validating resolvers (<c>Dns:ValidatingResolvers</c>).</summary>
    public bool Dane { get; set; } = true;
    /// <summary>
    /// Whether an MTA-STS policy host may be a private, loopback or link-local address. Off: a domain whose
    /// mta-sts host points into the provider's own network cannot make Outpost fetch from there (SSRF).
    /// Only tests on loopback turn it on; it counts as a development setting.
    /// </summary>
    public bool MtaStsAllowPrivate { get; set; }

    /// <summary>
    /// How long before a cached MTA-STS policy's max_age runs out it is fetched again in the background, so
    /// that a delivery never waits for a fetch for a domain already known.
    /// </summary>
    public TimeSpan MtaStsRefreshAhead { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the background refresh looks at the known MTA-STS domains (their record's id, their expiry).</summary>
    public TimeSpan MtaStsRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The address TLS-RPT reports (RFC 8460) are sent from, and named as their contact; empty, no report is
    /// sent (the results are still counted, and <c>outpost tls report</c> shows them).
    /// </summary>
    public string? ReportAddress { get; set; }

    /// <summary>The organization-name of the reports; empty, the server's Hostname.</summary>
    public string? ReportOrganization { get; set; }

    /// <summary>How often the TLS results counted in memory are added to the database (and so seen by <c>outpost tls report</c>).</summary>
    public TimeSpan ReportFlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>One sentence for a setting that cannot work, or null.</summary>
    public string? Problem()
    {
        if (MtaStsPort is < 1 or > 65535)
            return $"Tls:MtaStsPort must be a port number from 1 to 65535, not {MtaStsPort}.";
        if (MtaStsRefreshAhead < TimeSpan.Zero || MtaStsRefreshAhead > TimeSpan.FromDays(7))
            return $"Tls:MtaStsRefreshAhead must be from 00:00:00 to 7.00:00:00, not {MtaStsRefreshAhead}.";
        if (MtaStsRefreshInterval < TimeSpan.FromSeconds(1) || MtaStsRefreshInterval > TimeSpan.FromDays(1))
            return $"Tls:MtaStsRefreshInterval must be from 00:00:01 to 1.00:00:00, not {MtaStsRefreshInterval}.";
        if (ReportFlushInterval < TimeSpan.FromMilliseconds(100) || ReportFlushInterval > TimeSpan.FromHours(1))
            return $"Tls:ReportFlushInterval must be from 00:00:00.1 to 01:00:00, not {ReportFlushInterval}.";
        if (!string.IsNullOrEmpty(ReportAddress) && (ReportAddress.Length > 254 || ReportAddress.IndexOf('@') is <= 0 || ReportAddress.IndexOf('@') == ReportAddress.Length - 1
            || ReportAddress.Any(c => c <= ' ' || c is '<' or '>' or ',' or ';' or '"')))
            return $"Tls:ReportAddress is '{(ReportAddress.Length > 80 ? ReportAddress[..80] + "…" : ReportAddress)}'; it must be an address like tlsrpt@mail.example.net.";
        if (ReportOrganization is { Length: > 200 })
            return "Tls:ReportOrganization is longer than 200 characters.";
        if (TrustedRootsFile is { } file && !File.Exists(file))
            return $"Tls:TrustedRootsFile names {file}, which does not exist.";
        return null;
    }
}
