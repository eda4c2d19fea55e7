namespace Outpost.Engine.Tests.Contracts;

/// <summary>The account store contract on SQLite.</summary>
public sealed class SqliteAccountStoreContract : AccountStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
