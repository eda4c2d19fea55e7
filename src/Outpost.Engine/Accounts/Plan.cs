namespace Outpost.Engine.Accounts;

/// <summary>A hosted domain's plan. Free domains may send only to hosted mailboxes (R2).</summary>
public enum Plan
{
    Free,
    Paid,
}
