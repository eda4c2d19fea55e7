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

namespace Outpost.Storage.Postgres;

/// <summary>
/// Registers the PostgreSQL back end: every store the engine uses (the queue with its wake-ups, the send log with events and
/// refusals, suppressions, the audit trail, accounts and API keys, DKIM keys and DNS checks, violations and
/// restrictions, reviews, bulk fingerprints, channels and their health, retention, idempotency keys,
/// complaints, webhooks), the message bodies, the key ring and the DKIM private keys. A store added to the SQLite back end and not here is found by comparing the two,
/// and a node then refuses to start (see <c>StorageChoice</c> in the command).
/// </summary>
public static class PostgresServices
{
    /// <param name="open">Makes the database (connected and migrated) when it is first needed; the container disposes it.</param>
    public static IServiceCollection AddOutpostPostgres(this IServiceCollection services, Func<PostgresDatabase> open)
    {
        services.AddSingleton(_ => open());
        services.AddSingleton<IQueueStore, PostgresQueueStore>();
        services.AddSingleton<INodeStore, PostgresNodeStore>();
        services.AddSingleton<ILoginFailureStore, PostgresLoginFailureStore>();
        services.AddSingleton<IQueueWakeups, PostgresWakeups>();
        services.AddSingleton<Outpost.Engine.Delivery.Tls.ITlsPolicyStore, PostgresTlsPolicyStore>();
        services.AddSingleton<Outpost.Engine.Delivery.Tls.MtaSts.IMtaStsCache, PostgresMtaStsCache>();
        services.AddSingleton<Outpost.Engine.Delivery.Tls.Report.ITlsReportStore, PostgresTlsReportStore>();
        services.AddSingleton<ISendLog, PostgresSendLog>();
        services.AddSingleton<IDashboardStore, PostgresDashboardStore>();
        services.AddSingleton<ISuppressionStore, PostgresSuppressionStore>();
        services.AddSingleton<IAuditStore, PostgresAuditStore>();
        services.AddSingleton<IAccountStore, PostgresAccountStore>();
        services.AddSingleton<IApiKeyStore, PostgresApiKeyStore>();
        services.AddSingleton<IDomainDnsStore, PostgresDomainDnsStore>();
        services.AddSingleton<IPolicyStore, PostgresPolicyStore>();
        services.AddSingleton<IBulkStore, PostgresBulkStore>();
        services.AddSingleton<IReviewStore, PostgresReviewStore>();
        services.AddSingleton<IChannelStore, PostgresChannelStore>();
        services.AddSingleton<IRetentionStore, PostgresRetentionStore>();
        services.AddSingleton<IIdempotencyStore, PostgresIdempotencyStore>();
        services.AddSingleton<IComplaintStore, PostgresComplaintStore>();
        services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
        // Bodies in the database, so any node delivers what any node accepted (the engine's default is the spool directory).
        services.AddSingleton<Outpost.Engine.Spool.IMessageBodyStore>(sp => new PostgresBodyStore(sp.GetRequiredService<PostgresDatabase>(),
            sp.GetRequiredService<Outpost.Engine.Spool.MessageSpool>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        // The keys every node needs: the Data Protection key ring (after the engine's file ring is configured, so this
        // one wins whatever the order of registration) and the DKIM private keys sealed with it.
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .PostConfigure<PostgresDatabase>((o, db) => o.XmlRepository = new PostgresKeyRing(db));
        services.AddSingleton(sp => new Outpost.Engine.Secrets.SecretSealer(sp.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(),
            sp.GetRequiredService<Outpost.Engine.Secrets.SecretBox>(), "the database (table data_protection_keys)"));
        services.AddSingleton<Outpost.Engine.Signing.IDkimPrivateKeys, PostgresDkimPrivateKeys>();
        return services;
    }
}
