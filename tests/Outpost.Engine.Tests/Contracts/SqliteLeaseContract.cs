namespace Outpost.Engine.Tests.Contracts;

/// <summary>The lease and claim-order contract on SQLite.</summary>
public sealed class SqliteLeaseContract : LeaseContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
