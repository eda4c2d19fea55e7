namespace Outpost.Engine.SendLog;

/// <summary>
/// The attempts' outcomes for one key (a channel, or a destination domain): how many recipients it
/// delivered, deferred and bounced. <see cref="Acceptance"/> is the share delivered.
/// </summary>
public sealed record OutcomeCount(string Key, int Delivered, int Deferred, int Bounced)
{
    public int Total => Delivered + Deferred + Bounced;

    public double Acceptance => Total == 0 ? 0 : (double)Delivered / Total;
}
