using System.Net.Security;

namespace Outpost.Smtp.Client;

/// <summary>How one outbound connection behaves: the name it greets with, its TLS, and how long it waits.</summary>
public sealed class SmtpClientOptions
{
    public required string HeloName { get; init; }
    public ClientTls Tls { get; init; } = ClientTls.Opportunistic;

    /// <summary>Decides on the server's certificate; null means the platform's check (chain and name).</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }

    /// <summary>The wait for any one reply (RFC 5321 §4.5.3.2 suggests minutes; an MTA keeps it shorter).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// LMTP (RFC 2033) instead of SMTP: LHLO instead of EHLO, and after the message one reply for each
    /// recipient taken, so the mailbox server can refuse one recipient and take the others.
    /// </summary>
    public bool Lmtp { get; init; }

    /// <summary>The wait for the reply to the end of the message, when the server checks it (RFC 5321: 10 minutes).</summary>
    public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
