using System.Globalization;

namespace Outpost.Engine.Configuration;

/// <summary>
/// Where Outpost keeps its state: embedded SQLite in the data directory (one node; the default), or one
/// PostgreSQL that several nodes share. The connection string carries a password: it is never logged and
/// never part of a sentence.
/// </summary>
public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>Longer than any real connection string; a limit on what is parsed at start.</summary>
    public const int LongestConnectionString = 4096;

    /// <summary><c>sqlite</c> (the default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>For <c>postgres</c>: an Npgsql connection string, e.g. <c>Host=db;Database=outpost;Username=outpost;Password=…</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The name this node's leases carry, e.g. <c>mx1</c>; empty: the host name and a short random suffix,
    /// made once and kept in <c>&lt;data&gt;/node-id</c>, so a restarted node finds its own leases again.
    /// </summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// How long a claim holds a recipient without a heartbeat: a node that dies loses its work to the other
    /// nodes after this long. Its heartbeat renews the leases three times in this time.
    /// </summary>
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(60);

    public const int LongestNodeId = 64;
    public static readonly TimeSpan ShortestLease = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan LongestLease = TimeSpan.FromHours(1);

    public bool IsPostgres => string.Equals(Provider?.Trim(), Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine.</summary>
    public string? Problem()
    {
        var provider = Provider?.Trim() ?? "";
        if (!provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase) && !provider.Equals(Postgres, StringComparison.OrdinalIgnoreCase))
            return $"Storage:Provider is '{Shorten(provider)}'; use {Sqlite} (the default: one node, embedded) or {Postgres} (several nodes on one PostgreSQL).";
        var hasConnection = !string.IsNullOrWhiteSpace(ConnectionString);
        if (IsPostgres && !hasConnection)
            return "Storage:Provider is postgres but Storage:ConnectionString is empty; set it to the database's connection string, e.g. Host=db.internal;Database=outpost;Username=outpost;Password=….";
        // Someone who set a connection string and forgot the provider must not run on SQLite unawares.
        if (!IsPostgres && hasConnection)
            return "Storage:ConnectionString is set but Storage:Provider is sqlite; set Storage:Provider to postgres to use that database, or remove the connection string.";
        if (hasConnection && ConnectionString!.Length > LongestConnectionString)
            return $"Storage:ConnectionString is longer than {LongestConnectionString.ToString("N0", CultureInfo.InvariantCulture)} characters; a PostgreSQL connection string is much shorter.";
        if (!string.IsNullOrEmpty(NodeId) && !IsNodeId(NodeId))
            return $"Storage:NodeId '{Shorten(NodeId)}' is not a node name; use 1 to {LongestNodeId} letters, digits, '.', '-' or '_', e.g. mx1.";
        if (LeaseTime < ShortestLease || LeaseTime > LongestLease)
            return $"Storage:LeaseTime is {LeaseTime}; use between {ShortestLease} and {LongestLease} (the default is 00:01:00).";
        return null;
    }

    /// <summary>A node's name as leases, logs and the nodes list show it: short, and nothing that needs quoting.</summary>
    public static bool IsNodeId(string s) =>
        s.Length is > 0 and <= LongestNodeId && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
