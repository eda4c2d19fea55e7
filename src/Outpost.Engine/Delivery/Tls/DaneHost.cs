using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// What DANE says of one MX host: its secure TLSA records (none when it has none, or they are not signed),
/// or why its lookup failed (then the host must not be used, RFC 7672 §2.2). Of the records, only DANE-TA(2)
/// and DANE-EE(3) with selector 0 or 1 and matching type 0, 1 (SHA-256) or 2 (SHA-512) are usable
/// (§3.1.3: the PKIX usages 0 and 1 are not for SMTP); a host whose records are all unusable still gets
/// TLS, unauthenticated (§2.2).
/// </summary>
public sealed record DaneHost(string Host, IReadOnlyList<TlsaRecord> Records, string? Failure = null)
{
    /// <summary>The records a certificate can be matched against.</summary>
    public IReadOnlyList<TlsaRecord> Usable { get; } = Records.Where(IsUsable).ToList();

    /// <summary>Whether the certificate is checked against <see cref="Usable"/>.</summary>
    public bool Authenticates => Failure is null && Usable.Count > 0;

    /// <summary>Whether a connection without TLS must be refused: the host has TLSA records, usable or not.</summary>
    public bool RequiresTls => Failure is null && Records.Count > 0;

    /// <summary>"2 TLSA records" (or "1 TLSA record").</summary>
    public string RecordsInWords => Records.Count == 1 ? "1 TLSA record" : $"{Records.Count} TLSA records";

    static bool IsUsable(TlsaRecord r) =>
        r.Usage is 2 or 3 && r.Selector is 0 or 1 && r.MatchingType switch
        {
            0 => r.Data.Length > 0,
            1 => r.Data.Length == 32,
            2 => r.Data.Length == 64,
            _ => false,
        };
}
