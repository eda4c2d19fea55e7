using Outpost.Engine.Tests.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The node store contract on PostgreSQL, each test on a fresh database of the private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNodeStoreContract(PostgresFixture fixture) : NodeStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new PostgresStoreSet(fixture, time);
}
