namespace Outpost.Engine.Retention;

/// <summary>What leaves with old messages: the messages themselves and the rows that belong to them.</summary>
public readonly record struct MessageRows(long Messages, long Recipients, long Attempts, long Reviews)
{
    public long Total => Messages + Recipients + Attempts + Reviews;

    public static MessageRows operator +(MessageRows a, MessageRows b) =>
        new(a.Messages + b.Messages, a.Recipients + b.Recipients, a.Attempts + b.Attempts, a.Reviews + b.Reviews);
}
