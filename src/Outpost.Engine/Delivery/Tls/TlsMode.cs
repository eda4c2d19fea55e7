namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// What a delivery to a destination demands of TLS, weakest first; <see cref="Dane"/> decides per MX host
/// (docs/TLS.md, "DANE").
/// </summary>
public enum TlsMode
{
    /// <summary>No TLS, even when the server offers STARTTLS (the table's <c>none</c>).</summary>
    None,

    /// <summary>STARTTLS when offered, the certificate not checked; plain text otherwise (the table's <c>may</c>, and the default).</summary>
    Opportunistic,

    /// <summary>STARTTLS required, the certificate not checked (the table's <c>encrypt</c>).</summary>
    Encrypt,

    /// <summary>STARTTLS required and a certificate valid for the MX host name (the table's <c>verify</c>; MTA-STS <c>enforce</c>).</summary>
    Verify,

    /// <summary>
    /// DANE (RFC 7672): each MX host as its TLSA records say (<see cref="DaneHost"/>): the certificate
    /// matched against them instead of the trust store; STARTTLS required where the records are unusable;
    /// opportunistic where the host has none; never a host whose lookup failed.
    /// </summary>
    Dane,
}
