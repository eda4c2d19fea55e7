namespace Outpost.Engine.Accounts;

/// <summary>A hosted mailbox. <see cref="Address"/> is lower-case; the password only ever as a slow hash.</summary>
public sealed record Mailbox(string Address, string Domain, string PasswordHash, MailboxRole Role, DateTimeOffset CreatedAt)
{
    public string LocalPart => Address[..Address.IndexOf('@')];
}
