using Outpost.Engine.Tests.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;
using Outpost.Engine.Secrets;
using Outpost.Engine.Webhooks;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>
/// The webhook parts over the engine harness's real SQLite file and fake clock, with a receiver in
/// memory; events are made the way delivery makes them, through the queue store.
/// </summary>
internal sealed class WebhookWorld : IAsyncDisposable
{
    public EngineHarness Engine { get; } = new();
    public WebhookOptions Options { get; } = new() { RetryJitter = 0, PollInterval = TimeSpan.FromMilliseconds(50) };
    public SqliteWebhookStore Store { get; }
    public FakeWebhookSender Receiver { get; } = new();
    public WebhookService Service { get; }
    public WebhookDispatcher Dispatcher { get; }
    int _messages;

    public WebhookWorld()
    {
        Store = new SqliteWebhookStore(Engine.Db);
        var keys = new WebhookKeyring(TestSecrets.Sealer(Engine.Dir.Path));
        Service = new WebhookService(Store, Engine.Accounts, Engine.Log, keys, Receiver, Options, Engine.Time);
        Dispatcher = new WebhookDispatcher(Store, Engine.Log, new WebhookFanOut(Store, Engine.Log, Engine.Time), Receiver, keys, Options, Engine.Metrics, Engine.Time,
            NullLogger<WebhookDispatcher>.Instance);
    }

    public async Task SeedAsync()
    {
        await Engine.SeedAsync();
        await Engine.AccountService.AddDomainAsync("other.test", Plan.Paid);
    }

    /// <summary>A message queued from <paramref name="sender"/> to one external recipient (its "queued" event).</summary>
    public async Task<QueuedRecipient> QueueAsync(string sender = "alice@example.com", string recipient = "bob@remote.test")
    {
        var id = $"00000000{++_messages:D8}";
        var message = new QueuedMessage(id, sender, "s", 10, sender, "127.0.0.1", "h", "submission", Engine.Time.GetUtcNow(), "/spool/" + id);
        var queued = await Engine.Queue.EnqueueAsync([new NewMessage(message, [new NewRecipient(recipient, recipient[(recipient.IndexOf('@') + 1)..], Route.Remote)])],
            Engine.Time.GetUtcNow() + TimeSpan.FromMinutes(15));
        return queued[0][0];
    }

    DeliveryAttempt Attempt(int code, string reply) => new(Engine.Time.GetUtcNow(), "direct", "mx.remote.test", "127.0.0.10", code, reply, null, TimeSpan.Zero);

    /// <summary>A temporary failure: the "deferred" event; the recipient as it is afterwards.</summary>
    public async Task<QueuedRecipient> DeferAsync(QueuedRecipient r)
    {
        var retry = Engine.Time.GetUtcNow() + TimeSpan.FromMinutes(5);
        // Recorded without a claim, so without the lease guard (the guard has its own contract tests).
        await Engine.Queue.RecordOutcomesAsync([RecipientTransitions.Deferred(r, Attempt(451, "451 4.7.1 try later"), retry, TimeSpan.Zero) with { ByLeaseHolder = false }]);
        return r with { Status = RecipientStatus.Deferred, Attempts = r.Attempts + 1 };
    }

    /// <summary>The "delivered" event.</summary>
    public Task DeliverAsync(QueuedRecipient r) =>
        Engine.Queue.RecordOutcomesAsync([RecipientTransitions.Delivered(r, Attempt(250, "250 2.0.0 Ok")) with { ByLeaseHolder = false }]);

    /// <summary>One dispatcher pass with every try it started answered and recorded.</summary>
    public async Task<int> CycleAsync()
    {
        var started = await Dispatcher.CycleAsync();
        await Dispatcher.DrainAsync();
        return started;
    }

    /// <summary>Passes until one starts nothing (a message's next event goes only after the one before it is answered).</summary>
    public async Task<int> CycleUntilQuietAsync()
    {
        var total = 0;
        for (var i = 0; i < 50; i++)
        {
            var started = await CycleAsync();
            if (started == 0)
                return total;
            total += started;
        }
        throw new InvalidOperationException("The dispatcher kept sending for 50 passes.");
    }

    public async Task<WebhookEndpoint> AddAsync(string? domain = null, string? events = null) =>
        (await Service.AddAsync(null, domain, "http://127.0.0.1:9/hook", events, "test")).Endpoint;

    public async ValueTask DisposeAsync()
    {
        Dispatcher.Dispose();
        await Engine.DisposeAsync();
    }
}
