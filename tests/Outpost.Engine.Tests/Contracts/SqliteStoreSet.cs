using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The SQLite back end over a database file in a temp directory.</summary>
public sealed class SqliteStoreSet : StoreSet
{
    readonly TempDirectory _dir = new();
    readonly SqliteDatabase _db;
    readonly TimeProvider _time;

    public SqliteStoreSet(TimeProvider time)
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _time = time;
        Queue = new SqliteQueueStore(_db, time, new NodeIdentity("node-a"));
        Log = new SqliteSendLog(_db);
        Suppressions = new SqliteSuppressionStore(_db);
        Audit = new SqliteAuditStore(_db);
    }

    public override IQueueStore Queue { get; }
    public override ISendLog Log { get; }
    public override ISuppressionStore Suppressions { get; }
    public override IAuditStore Audit { get; }

    public override IQueueStore QueueOf(NodeIdentity node) => new SqliteQueueStore(_db, _time, node);

    public override void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
