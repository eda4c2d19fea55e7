using Outpost.Engine.Tests.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The message body store contract on PostgreSQL (chunked bytea), each test on a fresh database of the private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBodyStoreContract(PostgresFixture fixture) : BodyStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new PostgresStoreSet(fixture, time);
}
