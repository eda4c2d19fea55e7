using Microsoft.Extensions.Time.Testing;
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

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// The stores one back end provides, over one fresh database, as the contract suites use them: only through
/// the Engine's interfaces, so the same suites run against every back end (SQLite and PostgreSQL).
/// </summary>
public abstract class StoreSet : IDisposable
{
    public abstract IQueueStore Queue { get; }
    public abstract ISendLog Log { get; }
    public abstract ISuppressionStore Suppressions { get; }
    public abstract IAuditStore Audit { get; }
    public abstract IAccountStore Accounts { get; }
    public abstract IApiKeyStore ApiKeys { get; }
    public abstract IDomainDnsStore DomainDns { get; }
    public abstract IPolicyStore Policy { get; }
    public abstract IBulkStore Bulk { get; }
    public abstract IReviewStore Reviews { get; }
    public abstract IChannelStore Channels { get; }
    public abstract IIdempotencyStore Idempotency { get; }
    public abstract IComplaintStore Complaints { get; }
    public abstract IWebhookStore Webhooks { get; }
    public abstract IRetentionStore Retention { get; }
    public abstract INodeStore Nodes { get; }
    public abstract Outpost.Engine.Delivery.Tls.Report.ITlsReportStore TlsReports { get; }
    public abstract Outpost.Engine.Spool.IMessageBodyStore Bodies { get; }

    /// <summary>This node's local spool directory, where a body is received before it is sealed.</summary>
    public abstract Outpost.Engine.Spool.MessageSpool Spool { get; }

    /// <summary>The queue as another node sees it: the same database, leases under <paramref name="node"/>'s name.</summary>
    public abstract IQueueStore QueueOf(NodeIdentity node);

    public abstract void Dispose();

    /// <summary>The clock every store of a set reads.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
}
