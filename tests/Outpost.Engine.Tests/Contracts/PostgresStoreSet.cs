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
using Outpost.Engine.Tests.Postgres;
using Outpost.Engine.Webhooks;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The PostgreSQL back end over a fresh database of the test cluster, migrated as a node would at start.</summary>
public sealed class PostgresStoreSet : StoreSet
{
    readonly TestDatabase _database;
    readonly PostgresDatabase _db;
    readonly TimeProvider _time;
    // The node's local spool directory, where a body is received before it is sealed into the database.
    readonly TempDirectory _spool = new();

    public PostgresStoreSet(PostgresFixture fixture, TimeProvider time)
    {
        _database = fixture.NewDatabase();
        _db = PostgresDatabase.Open(_database.ConnectionString);
        _time = time;
        Queue = new PostgresQueueStore(_db, time, new NodeIdentity("node-a"));
        Log = new PostgresSendLog(_db);
        Suppressions = new PostgresSuppressionStore(_db);
        Audit = new PostgresAuditStore(_db);
        Accounts = new PostgresAccountStore(_db);
        ApiKeys = new PostgresApiKeyStore(_db);
        DomainDns = new PostgresDomainDnsStore(_db);
        Policy = new PostgresPolicyStore(_db);
        Bulk = new PostgresBulkStore(_db);
        Reviews = new PostgresReviewStore(_db);
        Channels = new PostgresChannelStore(_db);
        Idempotency = new PostgresIdempotencyStore(_db);
        Complaints = new PostgresComplaintStore(_db);
        Webhooks = new PostgresWebhookStore(_db);
        Retention = new PostgresRetentionStore(_db);
        Nodes = new PostgresNodeStore(_db);
        TlsReports = new PostgresTlsReportStore(_db);
        Spool = new Outpost.Engine.Spool.MessageSpool(_spool.Path);
        Bodies = new PostgresBodyStore(_db, Spool, time);
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
    public override Outpost.Engine.Spool.IMessageBodyStore Bodies { get; }
    public override Outpost.Engine.Spool.MessageSpool Spool { get; }

    public override IQueueStore QueueOf(NodeIdentity node) => new PostgresQueueStore(_db, _time, node);

    public override void Dispose()
    {
        _db.Dispose();
        _database.Dispose();
        _spool.Dispose();
    }
}
