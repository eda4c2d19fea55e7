namespace Outpost.Smtp.Client;

/// <summary>How the outbound client uses TLS on a connection.</summary>
public enum ClientTls
{
    /// <summary>No TLS, even when the server offers STARTTLS (a destination whose TLS policy says none).</summary>
    None,

    /// <summary>STARTTLS when the server offers it, plaintext otherwise (delivery to MX hosts).</summary>
    Opportunistic,

    /// <summary>STARTTLS, and no mail without it (a relay).</summary>
    StartTlsRequired,

    /// <summary>TLS from the first byte (a relay on port 465).</summary>
    Implicit,
}
