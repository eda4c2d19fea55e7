namespace Outpost.Engine.Tests.Contracts;

/// <summary>The suppression store contract on SQLite.</summary>
public sealed class SqliteSuppressionStoreContract : SuppressionStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
