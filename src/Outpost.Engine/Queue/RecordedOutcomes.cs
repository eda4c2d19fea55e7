namespace Outpost.Engine.Queue;

/// <summary>
/// What the store did with a batch of outcomes: the messages that have no open recipient left, and the
/// outcomes whose change did not take because the recipient had moved on (for a delivery's outcome: its
/// lease ran out and another node took the recipient over). Their attempts are recorded all the same.
/// </summary>
public sealed record RecordedOutcomes(IReadOnlyList<string> Completed, IReadOnlyList<RecipientOutcome> Lost)
{
    public static readonly RecordedOutcomes None = new([], []);
}
