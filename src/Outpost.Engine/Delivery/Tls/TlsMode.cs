namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// What a delivery to a destination demands of TLS, weakest first. DANE (RFC 7672) will be one more mode
/// above <see cref="Verify"/>: the certificate checked against the destination's TLSA records instead of
/// the trust store (docs/TLS.md, "DANE").
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
}
