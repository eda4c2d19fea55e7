using System.Net;

namespace Outpost.Smtp;

/// <summary>What the engine may know about a session: who is connected, how, and as whom.</summary>
public sealed class SmtpSessionInfo
{
    public required string Id { get; init; }
    public required string ListenerName { get; init; }
    public required ListenerMode Mode { get; init; }
    public required IPEndPoint Remote { get; init; }
    public required IPEndPoint Local { get; init; }

    public string? Helo { get; set; }
    public bool Esmtp { get; set; }
    public string? TlsProtocol { get; set; }
    public string? TlsCipher { get; set; }

    /// <summary>The mailbox address the client authenticated as, or null.</summary>
    public string? AuthenticatedUser { get; set; }

    /// <summary>On the relay listener: the hosted domain bound to the client's trusted network, or null.</summary>
    public string? TrustedDomain { get; set; }

    /// <summary>Recipients accepted so far in the current transaction (rate limits count them before DATA).</summary>
    public int AcceptedRecipients { get; set; }

    /// <summary>The recipients accepted so far in the current transaction, so that a refusal of the whole message can name each.</summary>
    public IReadOnlyList<MailPath> Recipients { get; set; } = [];

    public bool IsTls => TlsProtocol is not null;

    /// <summary>May this client open a transaction at all? On the feedback listener anyone may; the engine limits the recipients.</summary>
    public bool MaySend => AuthenticatedUser is not null || TrustedDomain is not null || Mode == ListenerMode.Feedback;
}
