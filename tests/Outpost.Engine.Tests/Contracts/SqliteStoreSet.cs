using Outpost.Engine.Accounts;
using Outpost.Engine.Audit;
using Outpost.Engine.Complaints;
using Outpost.Engine.Domains;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Engine.Review;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;
using Outpost.Engine.Webhooks;
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
        Accounts = new SqliteAccountStore(_db);
        ApiKeys = new SqliteApiKeyStore(_db);
        DomainDns = new SqliteDomainDnsStore(_db);
        Policy = new SqlitePolicyStore(_db);
        Bulk = new SqliteBulkStore(_db);
        Reviews = new SqliteReviewStore(_db);
        Channels = new SqliteChannelStore(_db);
        Idempotency = new SqliteIdempotencyStore(_db);
        Complaints = new SqliteComplaintStore(_db);
        Webhooks = new SqliteWebhookStore(_db);
        Retention = new SqliteRetentionStore(_db);
        Nodes = new SqliteNodeStore(_db);
        TlsReports = new SqliteTlsReportStore(_db);
    }

    public override IQueueStore Queue { get; }
    public override ISendLog Log { get; }
    public override ISuppressionStore Suppressions { get; }
    public override IAuditStore Audit { get; }
    public override IAccountStore Accounts { get; }
    public override IApiKeyStore ApiKeys { get; }
    public override IDomainDnsStore DomainDns { get; }
    public override IPolicyStore Policy { get; }
    public override IBulkStore Bulk { get; }
    public override IReviewStore Reviews { get; }
    public override IChannelStore Channels { get; }
    public override IIdempotencyStore Idempotency { get; }
    public override IComplaintStore Complaints { get; }
    public override IWebhookStore Webhooks { get; }
    public override IRetentionStore Retention { get; }
    public override INodeStore Nodes { get; }
    public override Outpost.Engine.Delivery.Tls.Report.ITlsReportStore TlsReports { get; }
    public override Outpost.Engine.Spool.IMessageBodyStore Bodies => new Outpost.Engine.Spool.SpoolBodyStore(Spool);
    public override Outpost.Engine.Spool.MessageSpool Spool => new(_dir.Path);

    public override IQueueStore QueueOf(NodeIdentity node) => new SqliteQueueStore(_db, _time, node);

    public override void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
