namespace Outpost.Engine.Tests.Contracts;

/// <summary>The complaint store contract on SQLite.</summary>
public sealed class SqliteComplaintStoreContract : ComplaintStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
