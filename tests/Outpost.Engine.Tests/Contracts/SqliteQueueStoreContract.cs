namespace Outpost.Engine.Tests.Contracts;

/// <summary>The queue store contract on SQLite.</summary>
public sealed class SqliteQueueStoreContract : QueueStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
