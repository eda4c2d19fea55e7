using Microsoft.Extensions.DependencyInjection;
using Outpost.Storage.Postgres;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// The two back ends register the same stores: every interface the SQLite back end provides, the PostgreSQL
/// one provides too, so <c>StorageChoice</c> (which refuses a PostgreSQL node while one is missing) lets
/// <c>outpost serve</c> start there. Only the registrations are compared; nothing is opened.
/// </summary>
public sealed class PostgresServicesTests
{
    [Fact]
    public void Every_store_of_the_sqlite_back_end_is_registered_on_postgres_as_well()
    {
        var postgres = new ServiceCollection().AddOutpostPostgres(() => throw new InvalidOperationException("not opened"))
            .Where(d => d.ServiceType.IsInterface).Select(d => d.ServiceType.Name).ToHashSet(StringComparer.Ordinal);
        var sqlite = new ServiceCollection().AddOutpostSqlite(Path.GetTempPath())
            .Where(d => d.ServiceType.IsInterface).Select(d => d.ServiceType.Name).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(sqlite.Except(postgres).Order(StringComparer.Ordinal));
        // Not a vacuous comparison: both register the whole engine's set of stores.
        Assert.Contains("IWebhookStore", sqlite);
        Assert.Contains("IMtaStsCache", sqlite);
        Assert.True(postgres.Count >= 19, $"{postgres.Count} interfaces registered on PostgreSQL");
    }
}
