using Outpost.Engine.Tests.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The TLS-RPT store contract on PostgreSQL, each test on a fresh database of the private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTlsReportStoreContract(PostgresFixture fixture) : TlsReportStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new PostgresStoreSet(fixture, time);
}
