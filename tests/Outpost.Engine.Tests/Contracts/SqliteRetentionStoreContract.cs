namespace Outpost.Engine.Tests.Contracts;

/// <summary>The retention store contract on SQLite.</summary>
public sealed class SqliteRetentionStoreContract : RetentionStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
