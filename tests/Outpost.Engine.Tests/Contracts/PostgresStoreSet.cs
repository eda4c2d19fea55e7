using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;
using Outpost.Engine.Tests.Postgres;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The PostgreSQL back end over a fresh database of the test cluster, migrated as a node would at start.</summary>
public sealed class PostgresStoreSet : StoreSet
{
    readonly TestDatabase _database;
    readonly PostgresDatabase _db;
    readonly TimeProvider _time;

    public PostgresStoreSet(PostgresFixture fixture, TimeProvider time)
    {
        _database = fixture.NewDatabase();
        _db = PostgresDatabase.Open(_database.ConnectionString);
        _time = time;
        Queue = new PostgresQueueStore(_db, time, new NodeIdentity("node-a"));
        Log = new PostgresSendLog(_db);
        Suppressions = new PostgresSuppressionStore(_db);
        Audit = new PostgresAuditStore(_db);
    }

    public override IQueueStore Queue { get; }
    public override ISendLog Log { get; }
    public override ISuppressionStore Suppressions { get; }
    public override IAuditStore Audit { get; }

    public override IQueueStore QueueOf(NodeIdentity node) => new PostgresQueueStore(_db, _time, node);

    public override void Dispose()
    {
        _db.Dispose();
        _database.Dispose();
    }
}
