namespace Outpost.Engine.Tests.Contracts;

/// <summary>The node store contract on SQLite.</summary>
public sealed class SqliteNodeStoreContract : NodeStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
