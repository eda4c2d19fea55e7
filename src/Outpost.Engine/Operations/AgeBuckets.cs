namespace Outpost.Engine.Operations;

/// <summary>
/// The age buckets of the queue summary, by how long a message has been in the queue (qshape's idea,
/// with steps an operator reads at a glance): under 5 minutes is normal traffic, a few hours is a
/// destination in trouble, days is mail that will expire.
/// </summary>
public static class AgeBuckets
{
    static readonly TimeSpan[] Limits =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(8), TimeSpan.FromHours(24), TimeSpan.FromDays(3),
    ];

    public static readonly IReadOnlyList<string> Labels = ["<5m", "5-30m", "30m-2h", "2-8h", "8-24h", "1-3d", ">3d"];

    /// <summary>The bucket of a message of this age: 0 for under 5 minutes, up to 6 for over 3 days.</summary>
    public static int Of(TimeSpan age)
    {
        for (var i = 0; i < Limits.Length; i++)
            if (age < Limits[i])
                return i;
        return Limits.Length;
    }
}
