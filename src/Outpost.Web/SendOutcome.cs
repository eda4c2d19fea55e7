using Outpost.Engine.Idempotency;

namespace Outpost.Web;

/// <summary>What a send endpoint answered, and whether that answer queued a message (which then finished its idempotency key itself).</summary>
internal sealed record SendOutcome(StoredAnswer Answer, bool Queued);
