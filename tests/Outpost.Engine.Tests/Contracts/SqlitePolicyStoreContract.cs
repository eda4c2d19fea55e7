namespace Outpost.Engine.Tests.Contracts;

/// <summary>The policy store contract on SQLite.</summary>
public sealed class SqlitePolicyStoreContract : PolicyStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
