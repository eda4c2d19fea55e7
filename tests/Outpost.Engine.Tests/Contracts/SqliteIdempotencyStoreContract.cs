namespace Outpost.Engine.Tests.Contracts;

/// <summary>The idempotency key store contract on SQLite.</summary>
public sealed class SqliteIdempotencyStoreContract : IdempotencyStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
