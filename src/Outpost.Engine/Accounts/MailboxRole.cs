namespace Outpost.Engine.Accounts;

/// <summary>A user sends as its own address; a domain admin as any address of its domain.</summary>
public enum MailboxRole
{
    User,
    Admin,
}
