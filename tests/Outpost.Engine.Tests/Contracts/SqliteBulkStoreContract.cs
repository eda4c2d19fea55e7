namespace Outpost.Engine.Tests.Contracts;

/// <summary>The bulk-duplicate store contract on SQLite.</summary>
public sealed class SqliteBulkStoreContract : BulkStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
