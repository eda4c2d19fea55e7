namespace Outpost.Engine.Accounts;

/// <summary>
/// A user sends as its own address; a domain admin as any address of its domain and sees its domain's
/// mail; an operator (the provider's staff) sends as itself but manages every domain and sees all mail.
/// </summary>
public enum MailboxRole
{
    User,
    Admin,
    Operator,
}
