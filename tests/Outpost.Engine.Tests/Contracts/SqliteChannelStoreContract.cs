namespace Outpost.Engine.Tests.Contracts;

/// <summary>The channel store contract on SQLite.</summary>
public sealed class SqliteChannelStoreContract : ChannelStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
