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

    /// <summary>One sentence for a setting that cannot work, or null.</summary>
    public string? Problem()
    {
        if (MtaStsPort is < 1 or > 65535)
            return $"Tls:MtaStsPort must be a port number from 1 to 65535, not {MtaStsPort}.";
        if (TrustedRootsFile is { } file && !File.Exists(file))
            return $"Tls:TrustedRootsFile names {file}, which does not exist.";
        return null;
    }
}
