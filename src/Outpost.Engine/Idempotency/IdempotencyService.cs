using System.Security.Cryptography;
using System.Text;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Idempotency;

/// <summary>
/// Idempotent submission over the API: a request that carries an <c>Idempotency-Key</c> first claims the
/// key (<see cref="BeginAsync"/>), then submits; the message is queued together with the key's answer (see
/// <see cref="IdempotencyCompletion"/>), and a request that queued nothing stores its refusal or lets the
/// key go (<see cref="FinishAsync"/>). The same key from the same caller within
/// <see cref="ApiOptions.IdempotencyWindow"/> gets the first answer again.
/// Talks to: <see cref="IIdempotencyStore"/> (and, through the queue, the queue store's enqueue transaction).
/// Security: keys are scoped to the caller (an API key or a mailbox), so no caller can reach another's
/// answers; the key string is stored only as its SHA-256; a key is bound to the hash of its first request,
/// so it cannot fetch the answer of a different one; waiting for a busy key is bounded in time and rounds.
/// </summary>
/// <remarks>
/// Why no interleaving queues two messages for one key. (1) A message is queued under a key only by an
/// enqueue transaction that, in the same transaction and before any message row, changes the key's row from
/// in-progress under the request's own token to done; if that change finds nothing, the transaction is rolled
/// back and nothing is queued. (2) Tokens are random and fresh for every claim, and every other write to
/// the row (take over, complete, release) is also conditional on the token and state the writer last saw.
/// (3) Write transactions on the row are serialised by the database (SQLite has one writer; PostgreSQL's
/// row lock makes the second conditional UPDATE re-read the row). So of any number of requests, the first
/// enqueue to commit turns the row done, and every later one finds it done (or under another token) and
/// queues nothing; a done row is only ever replayed until the window ends. A crash before the enqueue
/// leaves the row in progress, which a retry takes over once <see cref="IdempotencyRules.StaleAfter"/> has
/// passed; a crash after it leaves the row done with its answer, which the retry gets. The interleavings
/// are walked through one by one in the engine's tests.
/// </remarks>
public sealed class IdempotencyService
{
    /// <summary>How long a request waits for the first request with its key to finish, before answering busy.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(20);
    static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(250);
    const int MaxRounds = 64;

    readonly IIdempotencyStore _store;
    readonly ApiOptions _options;
    readonly TimeProvider _time;
    readonly TimeSpan _wait;

    /// <param name="wait">How long to wait for a busy key; <see cref="DefaultWait"/> unless a test says otherwise.</param>
    public IdempotencyService(IIdempotencyStore store, ApiOptions options, TimeProvider time, TimeSpan? wait = null)
    {
        _store = store;
        _options = options;
        _time = time;
        _wait = wait ?? DefaultWait;
    }

    /// <summary>
    /// Claims <paramref name="key"/> for the caller <paramref name="scope"/> and the request whose hash is
    /// <paramref name="requestHash"/>, or says why not. A key busy with the same request is waited for (up
    /// to the service's wait), so a client that retries quickly usually gets the first answer at once.
    /// </summary>
    public async Task<IdempotencyBegin> BeginAsync(string scope, string key, string requestHash, CancellationToken cancellationToken = default)
    {
        if (!IdempotencyRules.IsValidKey(key))
            throw new ArgumentException(IdempotencySentences.InvalidKey, nameof(key));
        var keyHash = Hash(key);
        var started = _time.GetUtcNow();
        var pause = FirstPause;
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = _time.GetUtcNow();
            var seen = await _store.FindAsync(scope, keyHash, cancellationToken);
            switch (IdempotencyRules.Decide(seen, requestHash, now, _options.IdempotencyWindow))
            {
                case IdempotencyDecision.Replay:
                    return new IdempotencyBegin(IdempotencyDecision.Replay, Answer: seen!.Answer);
                case IdempotencyDecision.Mismatch:
                    return new IdempotencyBegin(IdempotencyDecision.Mismatch);
                case IdempotencyDecision.Take:
                    var token = NewToken();
                    if (seen is null)
                    {
                        if (await _store.TryInsertAsync(scope, keyHash, requestHash, token, now, cancellationToken) is { } id)
                            return new IdempotencyBegin(IdempotencyDecision.Take, new IdempotencyTicket(id, token));
                    }
                    else if (await _store.TryTakeOverAsync(seen, requestHash, token, now, cancellationToken))
                    {
                        return new IdempotencyBegin(IdempotencyDecision.Take, new IdempotencyTicket(seen.Id, token));
                    }
                    // Another request changed the row between our look and our write: look again at once.
                    continue;
                default:
                    if (now - started >= _wait)
                        return new IdempotencyBegin(IdempotencyDecision.Busy);
                    await Task.Delay(pause, _time, cancellationToken);
                    pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
                    continue;
            }
        }
        return new IdempotencyBegin(IdempotencyDecision.Busy);
    }

    /// <summary>
    /// Ends a request that held <paramref name="ticket"/> and answered <paramref name="answer"/>. A queued
    /// message already finished the key in its enqueue transaction; a final refusal becomes the key's
    /// answer; a transient one lets the key go, so the client's retry is worked on afresh.
    /// </summary>
    public async Task FinishAsync(IdempotencyTicket ticket, StoredAnswer answer, bool queued, CancellationToken cancellationToken = default)
    {
        if (queued)
            return;
        if (IdempotencyRules.IsTransient(answer.Status))
            await _store.TryReleaseAsync(ticket, cancellationToken);
        else
            await _store.TryCompleteAsync(ticket, answer, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Lets the key go after a request failed without an answer (an exception), unless it was finished meanwhile.</summary>
    public Task ReleaseAsync(IdempotencyTicket ticket, CancellationToken cancellationToken = default) =>
        _store.TryReleaseAsync(ticket, cancellationToken);

    /// <summary>The stored form of a key: its SHA-256, in hex.</summary>
    public static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
