using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Audit;
using Outpost.Engine.Bounces;
using Outpost.Engine.Configuration;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Operations;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Operations;

/// <summary>
/// Queue operations over the real engine and a real SQLite file (<see cref="EngineHarness"/>): messages
/// queued with spool files, free to be changed or still under a delivery's lease, and the service the
/// CLI, the API and the queue page use.
/// </summary>
internal sealed class OperationsWorld : IAsyncDisposable
{
    public EngineHarness H { get; } = new();
    public SqliteAuditStore Audit { get; }
    public CountingQueueStore Queue { get; }
    public QueueOperations Operations { get; }
    public static readonly AuditActor Anna = new("anna", AuditActor.Cli);

    public OperationsWorld()
    {
        Audit = new SqliteAuditStore(H.Db);
        Queue = new CountingQueueStore(H.Queue);
        var routing = new RoutingOptions();
        var channels = new SqliteChannelStore(H.Db);
        var selector = new ChannelSelector(channels, new ChannelHealthTracker(channels, routing, H.Time), routing, H.Time);
        Operations = new QueueOperations(Queue, Audit, selector, new BounceService(H.Options, H.Bodies, H.Injector, H.Time, NullLogger<BounceService>.Instance), H.Bodies, H.Time,
            NullLogger<QueueOperations>.Instance);
    }

    public DateTimeOffset Now => H.Time.GetUtcNow();

    /// <summary>
    /// Queues a message from <paramref name="sender"/> that arrived <paramref name="age"/> ago, with a spool file;
    /// <paramref name="leased"/> keeps its recipients under the lease of the delivery that queued them;
    /// <paramref name="review"/> queues it held for review, as the content model does.
    /// </summary>
    public async Task<IReadOnlyList<QueuedRecipient>> QueueAsync(string sender, string[] recipients, TimeSpan age = default, bool leased = false, Route route = Route.Remote,
        bool review = false)
    {
        var id = QueueId.New(Now);
        var body = Encoding.ASCII.GetBytes($"From: {sender}\r\nTo: {recipients[0]}\r\nSubject: Minutes\r\n\r\nThe minutes of Tuesday.\r\n");
        await using (var file = H.Spool.Create(id))
            await file.WriteAsync(body);
        var message = new QueuedMessage(id, sender, "Minutes", body.Length, sender, "127.0.0.1", "client", "submission", Now - age, H.Spool.PathFor(id));
        var list = recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], route)).ToList();
        var hold = review ? new ReviewHold("marketing", 0.7, "evidence", "test-model") : null;
        return (await H.Queue.EnqueueAsync([new NewMessage(message, list, hold)], leased ? Now + TimeSpan.FromMinutes(15) : Now - TimeSpan.FromSeconds(1)))[0];
    }

    /// <summary>One 451 for each: deferred an hour, their lease let go.</summary>
    public Task DeferAsync(IEnumerable<QueuedRecipient> recipients) =>
        H.Queue.RecordOutcomesAsync(recipients.Select(r => new RecipientOutcome(r, RecipientStatus.Deferred,
            new DeliveryAttempt(Now, "direct", "mx.remote.test", "127.0.0.10", 451, "451 4.7.1 Try again later", null, TimeSpan.Zero), Now + TimeSpan.FromHours(1))).ToList());

    public Task<QueueOperationResult> RunAsync(QueueAction action, QueueSelection selection, string? reason = null, bool dryRun = false) =>
        Operations.RunAsync(new QueueOperationRequest(action, selection, Anna, reason, dryRun));

    public async Task<RecipientStatus> StatusAsync(QueuedRecipient r) =>
        (await H.Log.GetReportAsync(r.MessageId))!.Recipients.Single(x => x.Address == r.Address).Status;

    public async ValueTask DisposeAsync() => await H.DisposeAsync();
}
