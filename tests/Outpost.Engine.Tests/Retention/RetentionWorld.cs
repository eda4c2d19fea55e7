using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Engine.Spool;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Retention;

/// <summary>
/// A real SQLite database and spool in a temp directory with a fake clock, and the stores that write the
/// rows retention removes, so tests can make history of any age and look at what is left.
/// </summary>
internal sealed class RetentionWorld : IDisposable
{
    public TempDirectory Dir { get; } = new();
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    public SqliteDatabase Db { get; }
    public SqliteQueueStore Queue { get; }
    public SqliteReviewStore Reviews { get; }
    public SqliteSendLog Log { get; }
    public SqliteChannelStore Channels { get; }
    public SqlitePolicyStore Policy { get; }
    public SqliteRetentionStore Store { get; }
    public MessageSpool Spool { get; }
    public RetentionOptions Options { get; } = new();
    public PolicyOptions PolicyOptions { get; } = new();
    public ApiOptions ApiOptions { get; } = new();

    public RetentionWorld()
    {
        Db = new SqliteDatabase(Path.Combine(Dir.Path, "outpost.db"));
        Queue = new SqliteQueueStore(Db, Time, new NodeIdentity("node-a"));
        Reviews = new SqliteReviewStore(Db);
        Log = new SqliteSendLog(Db);
        Channels = new SqliteChannelStore(Db);
        Policy = new SqlitePolicyStore(Db);
        Store = new SqliteRetentionStore(Db);
        Spool = new MessageSpool(Dir.Path);
    }

    public DateTimeOffset Now => Time.GetUtcNow();

    public RetentionService Service() =>
        new(Store, new SpoolSweeper(new SpoolBodyStore(Spool), Store, NullLogger<SpoolSweeper>.Instance), Options, PolicyOptions, ApiOptions, Time);

    /// <summary>Queues a message now to external recipients (held for review with <paramref name="review"/>), with a spool file.</summary>
    public async Task<IReadOnlyList<QueuedRecipient>> QueueAsync(string[] recipients, bool review = false)
    {
        var id = QueueId.New(Now);
        await File.WriteAllTextAsync(Spool.PathFor(id), "Subject: hello\r\n\r\nhello\r\n");
        // The file's time on the fake clock, as if written now.
        File.SetLastWriteTimeUtc(Spool.PathFor(id), Now.UtcDateTime);
        var message = new QueuedMessage(id, "alice@example.com", "hello", 25, "alice@example.com", "127.0.0.1", "client", "submission", Now, Spool.PathFor(id));
        var list = recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList();
        var queued = await Queue.EnqueueAsync([new NewMessage(message, list, review ? new ReviewHold("marketing", 0.7, "evidence", "test-model") : null)], Now);
        return queued[0];
    }

    public Task<IReadOnlyList<QueuedRecipient>> QueueAsync(params string[] recipients) => QueueAsync(recipients, review: false);

    /// <summary>One attempt for each recipient, leaving it in <paramref name="status"/>.</summary>
    public Task<RecordedOutcomes> OutcomeAsync(RecipientStatus status, params QueuedRecipient[] recipients) =>
        Queue.RecordOutcomesAsync(recipients.Select(r => new RecipientOutcome(r, status, Attempt(status), status == RecipientStatus.Deferred ? Now + TimeSpan.FromHours(1) : null)).ToList());

    DeliveryAttempt Attempt(RecipientStatus status) => status switch
    {
        RecipientStatus.Delivered => new DeliveryAttempt(Now, "direct", "mx.remote.test", "127.0.0.10", 250, "250 ok", "TLSv1.3", TimeSpan.FromMilliseconds(20)),
        RecipientStatus.Deferred => new DeliveryAttempt(Now, "direct", "mx.remote.test", "127.0.0.10", 451, "451 later", null, TimeSpan.FromMilliseconds(20)),
        _ => new DeliveryAttempt(Now, "direct", "mx.remote.test", "127.0.0.10", 550, "550 no such user", null, TimeSpan.FromMilliseconds(20)),
    };

    /// <summary>Claims every recipient due now, as the scheduler does: they are delivering, under a lease.</summary>
    public async Task<IReadOnlyList<QueuedRecipient>> ClaimAsync() =>
        (await Queue.ClaimDueAsync(Now, Now + TimeSpan.FromMinutes(15), 100)).SelectMany(w => w.Recipients).ToList();

    /// <summary>Many refusals at once, in one transaction (one commit each would be one fsync each).</summary>
    public Task AddRefusalsAsync(int count, DateTimeOffset newest) =>
        Db.WriteAsync((c, t) =>
        {
            for (var i = 0; i < count; i++)
                c.Execute("INSERT INTO refusals (at, session_id, client_ip, stage, code, reply) VALUES (@at, 'old', '127.0.0.1', 'rcpt', 550, '550 5.7.1 no')",
                    new { at = (newest - TimeSpan.FromMinutes(i)).ToUnixTimeMilliseconds() }, t);
            return count;
        });

    public long Rows(string table)
    {
        using var c = Db.OpenRead();
        return c.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}");
    }

    public bool Exists(string messageId)
    {
        using var c = Db.OpenRead();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM messages WHERE id = @messageId", new { messageId }) == 1;
    }

    public void Dispose()
    {
        Db.Dispose();
        Dir.Dispose();
    }
}
