namespace Outpost.Engine.Queue;

/// <summary>
/// The names of the lifecycle events, one per status change, as the events outbox stores them and its
/// readers (the send log, webhooks) show them. Most are the new status's name; some say more than the
/// status does: a held message <see cref="Released"/>, a lease that ran out <see cref="Requeued"/>, a
/// message that ran out of time <see cref="Expired"/> (its status is bounced), and a recipient refused at
/// submission because the sending domain suppresses it, <see cref="Suppressed"/> (its status is rejected,
/// as for every other refusal at submission, <see cref="Rejected"/>). <see cref="Complaint"/> is the one
/// event that changes no status.
/// </summary>
public static class LifecycleEvents
{
    public const string Queued = "queued";
    public const string Held = "held";
    public const string Released = "released";
    public const string Requeued = "requeued";
    public const string Delivering = "delivering";
    public const string Deferred = "deferred";
    public const string Delivered = "delivered";
    public const string Bounced = "bounced";
    public const string Expired = "expired";
    public const string Deleted = "deleted";
    public const string Rejected = "rejected";
    public const string Suppressed = "suppressed";

    /// <summary>Not a status change: a recipient complained about a delivered message (its status stays as it was).</summary>
    public const string Complaint = "complaint";

    public static readonly IReadOnlyList<string> All =
        [Queued, Held, Released, Requeued, Delivering, Deferred, Delivered, Bounced, Expired, Deleted, Rejected, Suppressed, Complaint];
}
