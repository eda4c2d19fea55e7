using System.Security.Authentication;

namespace Outpost.Smtp;

/// <summary>The names TLS versions have in Received headers and the send log ("TLSv1.3"), for both directions of SMTP.</summary>
public static class TlsNames
{
    public static string Of(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        var other => other.ToString(),
    };
}
