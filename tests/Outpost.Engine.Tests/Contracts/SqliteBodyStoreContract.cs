namespace Outpost.Engine.Tests.Contracts;

/// <summary>The message body store contract on the local spool directory (the SQLite back end).</summary>
public sealed class SqliteBodyStoreContract : BodyStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
