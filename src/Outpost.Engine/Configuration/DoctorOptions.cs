using System.Globalization;

namespace Outpost.Engine.Configuration;

/// <summary>What <c>outpost doctor</c> may ask beyond this machine: the time servers it compares the clock with.</summary>
public sealed class DoctorOptions
{
    /// <summary>
    /// NTP servers ("host" or "host:port", port 123 by default) asked over UDP for the time; the first that
    /// answers is believed. Empty (the default) leaves the clock unchecked, so a test or an offline host never
    /// sends a packet beyond itself.
    /// </summary>
    public List<string> TimeServers { get; set; } = [];

    /// <summary>A skew from here on is a warning: receivers start to frown at Date headers and DKIM timestamps.</summary>
    public TimeSpan ClockWarning { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A skew from here on is a problem: DKIM signatures look expired or from the future, TLS certificates not yet valid.</summary>
    public TimeSpan ClockProblem { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one time server has to answer.</summary>
    public TimeSpan TimeServerTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>More servers would only make the doctor slower: the first answer is believed.</summary>
    public const int MaxTimeServers = 8;

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine.</summary>
    public string? Problem()
    {
        if (TimeServers.Count > MaxTimeServers)
            return $"Doctor:TimeServers has {TimeServers.Count} entries; at most {MaxTimeServers} are allowed (the first that answers is believed).";
        for (var i = 0; i < TimeServers.Count; i++)
            if (!ConfigurationValues.TryHostAndPort(TimeServers[i], 123, out _, out _))
                return $"Doctor:TimeServers:{i} is '{Shorten(TimeServers[i])}'; it must be a host name or address, optionally with a port, like pool.ntp.org or 192.0.2.123:123.";
        if (ClockWarning <= TimeSpan.Zero || ClockWarning > TimeSpan.FromHours(1))
            return $"Doctor:ClockWarning is {Show(ClockWarning)}; it must be above 00:00:00 and at most 01:00:00, e.g. 00:00:02.";
        if (ClockProblem < ClockWarning || ClockProblem > TimeSpan.FromDays(1))
            return $"Doctor:ClockProblem is {Show(ClockProblem)}; it must be at least Doctor:ClockWarning ({Show(ClockWarning)}) and at most 1.00:00:00, e.g. 00:00:30.";
        if (TimeServerTimeout < TimeSpan.FromMilliseconds(100) || TimeServerTimeout > TimeSpan.FromSeconds(30))
            return $"Doctor:TimeServerTimeout is {Show(TimeServerTimeout)}; it must be between 00:00:00.1 and 00:00:30, e.g. 00:00:03.";
        return null;
    }

    static string Show(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);

    static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
