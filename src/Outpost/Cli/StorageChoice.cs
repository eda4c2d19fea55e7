using Microsoft.Extensions.DependencyInjection;
using Outpost.Engine.Configuration;
using Outpost.Storage.Postgres;
using Outpost.Storage.Sqlite;

namespace Outpost.Cli;

/// <summary>
/// The one place the storage back end is chosen (<c>Storage:Provider</c>) and its stores are registered,
/// for <c>outpost serve</c> and the management commands alike. It refuses, with one sentence, options that
/// are wrong, a PostgreSQL back end that lacks a store the engine uses (never a half-working node), and a
/// database that cannot be reached or whose schema is newer than this build.
/// </summary>
public static class StorageChoice
{
    /// <summary>Registers the chosen back end's stores; returns the sentence that refuses the start instead, or null.</summary>
    public static string? Add(IServiceCollection services, OutpostOptions options)
    {
        if (options.Storage.Problem() is { } problem)
            return problem;
        if (!options.Storage.IsPostgres)
        {
            services.AddOutpostSqlite(options.DataDirectory);
            return null;
        }
        var missing = MissingOnPostgres();
        if (missing.Count > 0)
            return $"Storage:Provider is postgres, but these stores are not on PostgreSQL yet: {string.Join(", ", missing.Select(t => t.Name))}; " +
                "use Storage:Provider sqlite until they are (docs/SCALING.md lists what PostgreSQL holds so far).";
        // Connected and migrated here, before anything starts, so an unreachable database is one sentence.
        PostgresDatabase database;
        try
        {
            database = PostgresDatabase.Open(options.Storage.ConnectionString!);
        }
        catch (PostgresStartupException e)
        {
            return e.Message;
        }
        services.AddOutpostPostgres(() => database);
        return null;
    }

    /// <summary>
    /// The store interfaces the SQLite back end registers and the PostgreSQL one does not yet. SQLite has every
    /// store the engine uses, so a store added there is missing here until it is ported, without a list to keep.
    /// Nothing is opened: only the registrations are compared.
    /// </summary>
    public static IReadOnlyList<Type> MissingOnPostgres()
    {
        var postgres = new ServiceCollection().AddOutpostPostgres(() => throw new InvalidOperationException("Only the registrations are compared."))
            .Select(d => d.ServiceType).ToHashSet();
        return new ServiceCollection().AddOutpostSqlite(Path.GetTempPath())
            .Select(d => d.ServiceType)
            .Where(t => t.IsInterface && !postgres.Contains(t))
            .Distinct()
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
    }
}
