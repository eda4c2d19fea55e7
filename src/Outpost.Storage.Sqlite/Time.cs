namespace Outpost.Storage.Sqlite;

/// <summary>Times are stored as Unix milliseconds, UTC.</summary>
internal static class Time
{
    public static long ToMs(this DateTimeOffset t) => t.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
