using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Accounts;
using Outpost.Engine.Bounces;
using Outpost.Engine.Complaints;
using Outpost.Engine.Configuration;
using Outpost.Engine.Delivery;
using Outpost.Engine.Dns;
using Outpost.Engine.Domains;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Engine.Routing;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Secrets;
using Outpost.Engine.Signing;
using Outpost.Engine.Spool;
using Outpost.Engine.Submission;
using Outpost.Smtp;

namespace Outpost.Engine.Hosting;

/// <summary>
/// Wires the journey of a message: submission (with the sending gate) → spool and queue → routing →
/// local or remote delivery (DKIM-signed) → send log and bounces; and the feedback mailbox's complaint
/// reader behind local delivery. The storage back end registers the store interfaces separately.
/// </summary>
public static class EngineServices
{
    public static IServiceCollection AddOutpostEngine(this IServiceCollection services, OutpostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        // The instruments, on the host's meter factory; the queue's depth is read from the store whenever they are collected.
        services.AddMetrics();
        services.AddSingleton(sp =>
        {
            var metrics = new Metrics.OutpostMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
            metrics.ObserveQueueDepth(() => QueueDepth(sp.GetRequiredService<IQueueStore>()));
            return metrics;
        });
        var spool = new MessageSpool(options.DataDirectory);
        services.AddSingleton(spool);
        // Bodies in the spool directory unless the storage back end keeps them (PostgreSQL registers its own, which wins).
        services.TryAddSingleton<IMessageBodyStore>(new SpoolBodyStore(spool));
        services.AddSingleton(new MaildirWriter(options.DataDirectory));
        services.AddSingleton(sp => new AuthThrottle(sp.GetRequiredService<ILoginFailureStore>(), options.Auth, TimeProvider.System));
        services.AddSingleton(new TrustedNetworks(options.TrustedNetworks));
        services.AddSingleton(new RetrySchedule(options.Delivery, TimeProvider.System));
        services.AddSingleton<IMxResolver>(new DnsMxResolver(options.Dns));
        services.AddSingleton<Router>();
        services.AddSingleton(options.Sending);
        services.AddSingleton(options.Dkim);
        // Private keys as files unless the storage back end keeps them (PostgreSQL registers its own, which wins).
        services.TryAddSingleton<IDkimPrivateKeys>(new DkimKeyFiles(options.DataDirectory));
        services.AddSingleton<ITxtResolver>(new DnsClientTxtResolver(options.Dns));
        // The sending-records store keeps the DKIM keys as well; the key manager (Signing) sees only that part.
        services.AddSingleton<IDkimKeyStore>(sp => sp.GetRequiredService<IDomainDnsStore>());
        services.AddSingleton<DkimKeyManager>();
        services.AddSingleton<DomainDnsVerifier>();
        services.AddSingleton<SendingGate>();
        services.AddSingleton<MessageSigner>();
        services.AddSingleton(options.Policy);
        services.AddSingleton<BulkTracker>();
        // Loaded once: a retrained model in the data directory wins over the shipped one.
        services.AddSingleton(_ => ContentModel.Load(options.Policy.ModelDirectory ?? Path.Combine(options.DataDirectory, "policy")));
        services.AddSingleton<ContentClassifier>();
        services.AddSingleton<RestrictionService>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<Preflight>();
        services.AddSingleton<Outpost.Engine.Review.ReviewService>();
        services.AddSingleton(options.Suppression);
        services.AddSingleton<Suppression.SuppressionService>();
        services.AddSingleton(options.Complaints);
        services.AddSingleton<FeedbackAddresses>();
        services.AddSingleton<ComplaintMatcher>();
        services.AddSingleton<ComplaintReader>();
        services.AddSingleton<IFeedbackMailbox>(sp => sp.GetRequiredService<ComplaintReader>());
        services.AddSingleton<ComplaintService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<ApiKeys>();
        // The node's name, which its leases carry, and the lease rules: made when first needed (a command that
        // never touches the queue writes no node-id file).
        services.AddSingleton(_ => NodeIdentity.Resolve(options.Storage, options.DataDirectory));
        services.AddSingleton(new LeaseRules(options.Storage.LeaseTime));
        services.AddSingleton<NodeList>();
        services.AddSingleton(sp => new QueueCommitter(sp.GetRequiredService<IQueueStore>(), sp.GetRequiredService<IMessageBodyStore>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<LeaseRules>().LeaseTime, sp.GetRequiredService<ILogger<QueueCommitter>>()));
        services.AddSingleton<MessageEnqueuer>();
        services.AddSingleton<MessageInjector>();
        services.AddSingleton<ApiSubmission>();
        services.AddSingleton(options.Api);
        services.AddSingleton<IdempotencyService>();
        services.AddSingleton<BounceService>();
        services.AddSingleton<OutcomeCommitter>();
        services.AddSingleton<DeliveryRecorder>();
        services.AddSingleton(sp => new LocalDeliveryQueue(options.Delivery.LocalWorkers, sp.GetRequiredService<IAccountStore>(),
            sp.GetRequiredService<MaildirWriter>(), sp.GetRequiredService<IMessageBodyStore>(), sp.GetRequiredService<DeliveryRecorder>(), sp.GetRequiredService<FeedbackAddresses>(),
            sp.GetRequiredService<IFeedbackMailbox>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LocalDeliveryQueue>>(),
            options.Delivery.Local.IsLmtp ? new LmtpDeliverer(options, sp.GetRequiredService<IMessageBodyStore>(), sp.GetRequiredService<TimeProvider>()) : null));
        services.AddSingleton(options.Routing);
        services.AddSingleton<ChannelHealthTracker>();
        services.AddSingleton<ChannelSelector>();
        services.AddSingleton(sp => new Delivery.Tls.CertificateVerifier(options.Tls, sp.GetRequiredService<TimeProvider>()));
        // MTA-STS records are looked up by a resolver that caches by TTL (the record checks' one must not).
        services.AddSingleton(sp => new Delivery.Tls.MtaSts.MtaStsFetcher(options.Tls, sp.GetRequiredService<ITxtResolver>(), sp.GetRequiredService<Delivery.Tls.CertificateVerifier>()));
        services.AddSingleton(sp => new Delivery.Tls.MtaSts.MtaStsPolicies(new DnsClientTxtResolver(options.Dns, cache: true), sp.GetRequiredService<Delivery.Tls.MtaSts.MtaStsFetcher>(),
            sp.GetRequiredService<Delivery.Tls.MtaSts.IMtaStsCache>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<Delivery.Tls.MtaSts.MtaStsPolicies>>(),
            options.Tls.MtaStsRefreshAhead));
        // DANE asks only resolvers trusted to validate (Dns:ValidatingResolvers, or the configured ones on loopback).
        services.AddSingleton(sp => new Delivery.Tls.DanePolicies(new DnsClientDnssecResolver(options.Dns), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Delivery.Tls.Report.TlsReportCounter>();
        services.AddSingleton(sp => new Delivery.Tls.Report.TlsReportSender(options, sp.GetRequiredService<Delivery.Tls.Report.ITlsReportStore>(),
            sp.GetRequiredService<ITxtResolver>(), sp.GetRequiredService<MessageInjector>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<Delivery.Tls.Report.TlsReportSender>>()));
        services.AddSingleton(sp => new Delivery.Tls.TlsPolicyResolver(sp.GetRequiredService<Delivery.Tls.ITlsPolicyStore>(),
            options.Tls.Dane ? sp.GetRequiredService<Delivery.Tls.DanePolicies>() : null,
            options.Tls.MtaSts ? sp.GetRequiredService<Delivery.Tls.MtaSts.MtaStsPolicies>() : null, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ChannelConnector>();
        services.AddSingleton<DestinationRelease>();
        services.AddSingleton<RemoteDeliverer>();
        services.AddSingleton<ConnectionShare>();
        services.AddSingleton<RemoteDispatcher>();
        services.AddSingleton<Operations.QueueOperations>();
        services.AddSingleton<IDeliveryDispatcher, DeliveryDispatcher>();
        services.AddSingleton(sp => new SubmissionContext(options, sp.GetRequiredService<MessageSpool>(), sp.GetRequiredService<IMessageBodyStore>(), sp.GetRequiredService<MessageEnqueuer>(),
            sp.GetRequiredService<Router>(), sp.GetRequiredService<ContentClassifier>(),
            sp.GetRequiredService<RestrictionService>(), sp.GetRequiredService<Metrics.OutpostMetrics>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost.Submission")));
        services.AddOutpostSecrets(options.DataDirectory);
        services.AddSingleton<RelayPasswords>();
        services.AddSingleton(options.Webhooks);
        services.AddSingleton(new DnsAddressResolver(options.Dns));
        services.AddSingleton<Webhooks.IWebhookSender, Webhooks.HttpWebhookSender>();
        services.AddSingleton<Webhooks.WebhookKeyring>();
        services.AddSingleton<Webhooks.WebhookFanOut>();
        services.AddSingleton<Webhooks.WebhookService>();
        services.AddSingleton(options.Retention);
        services.AddSingleton<SpoolSweeper>();
        services.AddSingleton<RetentionService>();
        // The doctor; its database self-check (IDatabaseCheck) is registered by the storage choice where a back end has one (SQLite so far).
        services.AddSingleton(sp => new Doctor(options, sp.GetRequiredService<ITxtResolver>(), sp.GetRequiredService<IChannelStore>(),
            sp.GetService<IDatabaseCheck>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SubmissionBackend(sp.GetRequiredService<IAccountStore>(), sp.GetRequiredService<AccountService>(), sp.GetRequiredService<SendLog.ISendLog>(),
            sp.GetRequiredService<AuthThrottle>(), sp.GetRequiredService<TrustedNetworks>(), sp.GetRequiredService<SubmissionContext>(),
            sp.GetRequiredService<SendingGate>(), sp.GetRequiredService<RateLimiter>(), sp.GetRequiredService<Suppression.SuppressionService>(),
            sp.GetRequiredService<FeedbackAddresses>(), sp.GetRequiredService<ILogger<SubmissionBackend>>()));
        // SMTP sees the back end through the protocol's interface; the API's submission uses it directly (idempotency keys).
        services.AddSingleton<ISmtpBackend>(sp => sp.GetRequiredService<SubmissionBackend>());
        return services;
    }

    /// <summary>
    /// The queue's depth for the metrics' collection, which is synchronous: a bounded wait for the store's
    /// count (one grouped query); a store that cannot answer in time gives no series rather than a stalled scrape.
    /// </summary>
    static IReadOnlyDictionary<string, int> QueueDepth(IQueueStore queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return queue.DepthAsync(timeout.Token).WaitAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Data.Common.DbException or TimeoutException)
        {
            return new Dictionary<string, int>();
        }
    }

    /// <summary>
    /// Builds delivery, which attaches itself to the queue (<see cref="MessageEnqueuer"/>), so that what this
    /// process queues (a submission, a bounce) is delivered at once. Every process that builds the engine
    /// calls it once its services are built: <c>outpost serve</c> and every management command.
    /// </summary>
    public static IServiceProvider AttachDelivery(this IServiceProvider services)
    {
        services.GetRequiredService<IDeliveryDispatcher>();
        return services;
    }

    /// <summary>How long <c>outpost serve</c> lets deliveries in flight finish when it is stopped.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The long-running parts of <c>outpost serve</c>: the queue scheduler and the leases' heartbeat, the DNS re-check, retention, the webhook dispatcher, TLS-RPT and the MTA-STS refresh, and the SMTP listeners.</summary>
    public static IServiceCollection AddOutpostServer(this IServiceCollection services)
    {
        // How long a stop (SIGTERM) waits for deliveries in flight; the unit's TimeoutStopSec is longer.
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        // Hosted services stop in the reverse order: the heartbeat first here, so it stops last and keeps the
        // leases of deliveries in flight renewed while the drain lets them finish.
        services.AddHostedService<LeaseHeartbeat>();
        // Then the drain, so it stops after everything else: nothing new comes in while deliveries in flight finish.
        services.AddHostedService<DeliveryDrain>();
        services.AddHostedService<DeliveryScheduler>();
        services.AddHostedService<DnsRecheckService>();
        services.AddHostedService<RetentionScheduler>();
        services.AddHostedService<Webhooks.WebhookDispatcher>();
        services.AddHostedService<Delivery.Tls.Report.TlsReportScheduler>();
        services.AddHostedService<Delivery.Tls.MtaSts.MtaStsRefresher>();
        // One instance: the host starts it, /readyz asks it whether its listeners are up.
        services.AddSingleton<SmtpHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpHostedService>());
        services.AddSingleton<ReadinessProbe>();
        return services;
    }
}
