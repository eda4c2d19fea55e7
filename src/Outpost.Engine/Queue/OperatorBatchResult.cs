namespace Outpost.Engine.Queue;

/// <summary>
/// What a batch did: the recipients whose change took (the others moved on meanwhile, a delivery claimed
/// them, and count as skipped) and the messages that have no recipient left that is not final.
/// </summary>
public sealed record OperatorBatchResult(IReadOnlyList<long> Changed, IReadOnlyList<string> Completed);
