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
    /// <summary>
    /// Registers the chosen back end's stores; a wrong choice is a <see cref="ConfigurationException"/> (exit 78),
    /// a database out of reach a <see cref="CommandFailedException"/> (exit 1), each with its sentence.
    /// </summary>
    public static void Add(IServiceCollection services, OutpostOptions options)
    {
        if (options.Storage.Problem() is { } problem)
            throw new ConfigurationException([problem]);
        if (!options.Storage.IsPostgres)
        {
            services.AddOutpostSqlite(options.DataDirectory);
            // The doctor's self-check; outside AddOutpostSqlite, so PostgreSQL is not refused for lacking one.
            services.AddSingleton<Outpost.Engine.Hosting.IDatabaseCheck, SqliteDatabaseCheck>();
            return;
        }
        var missing = MissingOnPostgres();
        if (missing.Count > 0)
            throw new ConfigurationException([$"Storage:Provider is postgres, but these stores are not on PostgreSQL yet: {string.Join(", ", missing.Select(t => t.Name))}; " +
                "use Storage:Provider sqlite until they are (docs/SCALING.md lists what PostgreSQL holds so far)."]);
        // Connected and migrated here, before anything starts, so an unreachable database is one sentence.
        PostgresDatabase database;
        try
        {
            database = PostgresDatabase.Open(options.Storage.ConnectionString!);
        }
        catch (PostgresStartupException e)
        {
            throw new CommandFailedException(e.Message);
        }
        services.AddOutpostPostgres(() => database);
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
