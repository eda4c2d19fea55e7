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
        return null;
    }

    static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
