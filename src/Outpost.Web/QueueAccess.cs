using Outpost.Engine.Queue;
using Outpost.Engine.Accounts;

namespace Outpost.Web;

/// <summary>
/// Who may see and change the queue, for the API and the queue page alike: an operator everything; a
/// domain admin or domain key only the mail of its own domain's senders (the selection is kept to them);
/// a mailbox nothing.
/// </summary>
public static class QueueAccess
{
    public const string NotAllowed = "Only operators and domain admins may see or change the queue.";

    public static bool MayUse(ApiCaller caller) => caller.Operator || caller.DomainWide;

    /// <summary>The selection within the caller's reach, or null and the sentence that says why not.</summary>
    public static QueueSelection? Scope(ApiCaller caller, QueueSelection selection, out string? error)
    {
        error = null;
        if (caller.Operator)
            return selection;
        if (!caller.DomainWide)
        {
            error = NotAllowed;
            return null;
        }
        return selection.ScopedTo(caller.Domain, out error);
    }

    /// <summary>The audit lines a caller reads: an operator's any domain (or the one asked for), a domain admin's only its own.</summary>
    public static string? AuditDomain(ApiCaller caller, string? asked) => caller.Operator ? asked : caller.Domain.ToLowerInvariant();
}
