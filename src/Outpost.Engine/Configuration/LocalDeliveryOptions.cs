namespace Outpost.Engine.Configuration;

/// <summary>
/// Where hosted mailboxes' copies go: into Maildirs under the data directory (<c>maildir</c>, the default),
/// or over LMTP (RFC 2033) to the mailbox server, such as Dovecot's LMTP service (<c>lmtp</c>).
/// </summary>
public sealed class LocalDeliveryOptions
{
    public const string MaildirMode = "maildir";
    public const string LmtpMode = "lmtp";

    public string Mode { get; set; } = MaildirMode;

    /// <summary>For <c>lmtp</c>: the mailbox server as an address and port (10.0.0.20:24) or a Unix socket's absolute path.</summary>
    public string Lmtp { get; set; } = "";

    public bool IsLmtp => string.Equals(Mode, LmtpMode, StringComparison.OrdinalIgnoreCase);
}
