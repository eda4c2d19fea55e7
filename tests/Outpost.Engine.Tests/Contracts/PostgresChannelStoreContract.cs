using Outpost.Engine.Tests.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The channel store contract on PostgreSQL, each test on a fresh database of the private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresChannelStoreContract(PostgresFixture fixture) : ChannelStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new PostgresStoreSet(fixture, time);
}
