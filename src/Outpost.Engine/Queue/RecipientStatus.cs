namespace Outpost.Engine.Queue;

/// <summary>
/// The one status vocabulary of Outpost, the same in code, database, CLI, API and web:
/// queued, delivering, deferred, delivered, bounced, rejected, held, deleted (an operator removed it
/// without telling the sender; with a bounce to the sender it is bounced).
/// </summary>
public enum RecipientStatus
{
    Queued,
    Delivering,
    Deferred,
    Delivered,
    Bounced,
    Rejected,
    Held,
    Deleted,
}
