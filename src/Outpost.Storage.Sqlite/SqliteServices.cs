using Microsoft.Extensions.DependencyInjection;
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

namespace Outpost.Storage.Sqlite;

/// <summary>Registers the embedded SQLite back end: <c>&lt;data&gt;/outpost.db</c>.</summary>
public static class SqliteServices
{
    public static IServiceCollection AddOutpostSqlite(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(_ => new SqliteDatabase(Path.Combine(Path.GetFullPath(dataDirectory), "outpost.db")));
        services.AddSingleton<IAccountStore, SqliteAccountStore>();
        services.AddSingleton<IQueueStore, SqliteQueueStore>();
        services.AddSingleton<INodeStore, SqliteNodeStore>();
        // One node: its failed logins are counted in its memory (several nodes count them in PostgreSQL).
        services.AddSingleton<ILoginFailureStore, MemoryLoginFailures>();
        // One node: nobody else makes work claimable, so the delivery loop polls.
        services.AddSingleton<IQueueWakeups, PollingWakeups>();
        services.AddSingleton<ISendLog, SqliteSendLog>();
        services.AddSingleton<IDashboardStore, SqliteDashboardStore>();
        services.AddSingleton<IDomainDnsStore, SqliteDomainDnsStore>();
        services.AddSingleton<IPolicyStore, SqlitePolicyStore>();
        services.AddSingleton<IChannelStore, SqliteChannelStore>();
        services.AddSingleton<Outpost.Engine.Delivery.Tls.ITlsPolicyStore, SqliteTlsPolicyStore>();
        services.AddSingleton<Outpost.Engine.Delivery.Tls.MtaSts.IMtaStsCache, SqliteMtaStsCache>();
        services.AddSingleton<Outpost.Engine.Delivery.Tls.Report.ITlsReportStore, SqliteTlsReportStore>();
        services.AddSingleton<IApiKeyStore, SqliteApiKeyStore>();
        services.AddSingleton<IReviewStore, SqliteReviewStore>();
        services.AddSingleton<IBulkStore, SqliteBulkStore>();
        services.AddSingleton<ISuppressionStore, SqliteSuppressionStore>();
        services.AddSingleton<IRetentionStore, SqliteRetentionStore>();
        services.AddSingleton<IIdempotencyStore, SqliteIdempotencyStore>();
        services.AddSingleton<IComplaintStore, SqliteComplaintStore>();
        services.AddSingleton<IAuditStore, SqliteAuditStore>();
        services.AddSingleton<IWebhookStore, SqliteWebhookStore>();
        return services;
    }
}
