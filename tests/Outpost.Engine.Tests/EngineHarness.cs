using Outpost.Engine.Signing;
using Outpost.Engine.Suppression;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Bounces;
using Outpost.Engine.Complaints;
using Outpost.Engine.Configuration;
using Outpost.Engine.Delivery;
using Outpost.Engine.Domains;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;
using Outpost.Engine.Submission;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests;

/// <summary>
/// The real engine parts over a real SQLite file in a temp directory, with a fake clock and a
/// dispatcher that only records what it is given, so tests can drive delivery by hand.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public TempDirectory Dir { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    public OutpostOptions Options { get; }
    public SqliteDatabase Db { get; }
    public SqliteAccountStore Accounts { get; }
    public SqliteQueueStore Queue { get; }
    public SqliteSendLog Log { get; }
    public MessageSpool Spool { get; }
    public IMessageBodyStore Bodies { get; }
    public QueueCommitter Committer { get; }
    public OutcomeCommitter Outcomes { get; }
    public CapturingDispatcher Dispatcher { get; } = new();
    public MessageInjector Injector { get; }
    public DeliveryRecorder Recorder { get; }
    public SubmissionBackend Backend { get; }
    public AccountService AccountService { get; }
    public FakeDns Dns { get; } = new();
    public Outpost.Engine.Metrics.OutpostMetrics Metrics { get; } = new();
    public SqliteDomainDnsStore DnsStore { get; }
    public DkimKeyManager Dkim { get; }
    public DomainDnsVerifier Verifier { get; }
    public SqlitePolicyStore PolicyStore { get; }
    public RestrictionService Restrictions { get; }
    public SuppressionService Suppressions { get; }
    public FeedbackAddresses Feedback { get; }
    public SqliteComplaintStore ComplaintStore { get; }
    public ComplaintReader Complaints { get; }
    public ComplaintService ComplaintQueries { get; }
    bool _includePublished;

    public EngineHarness()
    {
        Options = new OutpostOptions { DataDirectory = Dir.Path, Hostname = "outpost.test" };
        Options.Delivery.RetryJitter = 0;
        Options.Complaints.Addresses = ["fbl@outpost.test"];
        Feedback = new FeedbackAddresses(Options.Complaints);
        Db = new SqliteDatabase(Path.Combine(Dir.Path, "outpost.db"));
        Accounts = new SqliteAccountStore(Db);
        Queue = new SqliteQueueStore(Db, Time, new NodeIdentity("node-a"));
        Log = new SqliteSendLog(Db);
        Spool = new MessageSpool(Dir.Path);
        Bodies = new SpoolBodyStore(Spool);
        Committer = new QueueCommitter(Queue, Bodies, Time, TimeSpan.FromMinutes(15), NullLogger<QueueCommitter>.Instance);
        var router = new Router(Accounts, Feedback);
        var enqueuer = new MessageEnqueuer(Committer);
        enqueuer.Attach(Dispatcher);
        Injector = new MessageInjector(Spool, Bodies, enqueuer, router, Time);
        var bounces = new BounceService(Options, Bodies, Injector, Time, NullLogger<BounceService>.Instance);
        Outcomes = new OutcomeCommitter(Queue, NullLogger<OutcomeCommitter>.Instance);
        Suppressions = new SuppressionService(new SqliteSuppressionStore(Db), Options.Suppression, Time, NullLogger<SuppressionService>.Instance);
        Recorder = new DeliveryRecorder(Queue, Outcomes, Bodies, new RetrySchedule(Options.Delivery, Time), bounces, Suppressions, Metrics, Time, NullLogger<DeliveryRecorder>.Instance);
        DnsStore = new SqliteDomainDnsStore(Db);
        Options.Sending.SpfInclude = "_spf.outpost.test";
        Options.Sending.Addresses = ["192.0.2.25"];
        Dkim = new DkimKeyManager(DnsStore, new DkimKeyFiles(Dir.Path), Options.Dkim, Time);
        Verifier = new DomainDnsVerifier(Dns, DnsStore, Dkim, Options.Sending, Time);
        var gate = new SendingGate(Accounts, Verifier, Options.Sending, Time);
        PolicyStore = new SqlitePolicyStore(Db);
        Restrictions = new RestrictionService(PolicyStore, Options.Policy, Time, NullLogger<RestrictionService>.Instance);
        var classifier = new ContentClassifier(Options.Policy, new BulkTracker(Options.Policy, Time, new SqliteBulkStore(Db), NullLogger<BulkTracker>.Instance), Policy.TestModel.Shipped);
        var context = new SubmissionContext(Options, Spool, Bodies, enqueuer, router, classifier, Restrictions, Metrics, Time, NullLogger.Instance);
        AccountService = new AccountService(Accounts, Dkim, Time);
        Backend = new SubmissionBackend(Accounts, AccountService, Log, new AuthThrottle(new MemoryLoginFailures(), Options.Auth, Time), new TrustedNetworks(Options.TrustedNetworks), context, gate,
            new RateLimiter(PolicyStore, Options.Policy, Time), Suppressions, Feedback, NullLogger<SubmissionBackend>.Instance);
        ComplaintStore = new SqliteComplaintStore(Db);
        Complaints = new ComplaintReader(ComplaintStore, Bodies, new ComplaintMatcher(ComplaintStore, Log, Feedback), Restrictions, Options.Complaints, Time,
            NullLogger<ComplaintReader>.Instance);
        ComplaintQueries = new ComplaintService(ComplaintStore, Options.Complaints, Time);
    }

    /// <summary>Publishes in the fake DNS exactly the records Outpost asks the domain for.</summary>
    public async Task PublishRecordsAsync(string domain)
    {
        // The service's own include, once: two SPF records at one name are an error.
        if (!_includePublished)
            Dns.AddTxt("_spf.outpost.test", "v=spf1 ip4:192.0.2.0/24 -all");
        _includePublished = true;
        foreach (var record in (await Verifier.ReportAsync(domain)).Records)
            Dns.AddTxt(record.Name, record.Value);
    }

    public async Task SeedAsync()
    {
        await AccountService.AddDomainAsync("example.com", Plan.Paid);
        await AccountService.AddMailboxAsync("alice@example.com", "correct-horse-1", MailboxRole.User);
    }

    public async ValueTask DisposeAsync()
    {
        await Committer.DisposeAsync();
        await Outcomes.DisposeAsync();
        Db.Dispose();
        Dir.Dispose();
    }

    internal sealed class CapturingDispatcher : IDeliveryDispatcher
    {
        public ConcurrentQueue<DeliveryWork> Work { get; } = new();
        public void Dispatch(DeliveryWork work) => Work.Enqueue(work);
    }
}
