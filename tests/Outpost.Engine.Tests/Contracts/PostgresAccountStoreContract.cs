using Outpost.Engine.Tests.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The account store contract on PostgreSQL, each test on a fresh database of the private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountStoreContract(PostgresFixture fixture) : AccountStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new PostgresStoreSet(fixture, time);
}
