namespace Outpost.Engine.Tests.Contracts;

/// <summary>The review store contract on SQLite.</summary>
public sealed class SqliteReviewStoreContract : ReviewStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
