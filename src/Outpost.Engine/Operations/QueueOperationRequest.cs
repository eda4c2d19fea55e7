using Outpost.Engine.Audit;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Operations;

/// <summary>An operator's action on a selection: who asks, why, and whether only to see what it would touch.</summary>
public sealed record QueueOperationRequest(QueueAction Action, QueueSelection Selection, AuditActor Actor, string? Reason, bool DryRun = false);
