using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Metrics;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Delivers webhooks, at least once. Each pass: for every endpoint, new outbox events become deliveries
/// (<see cref="WebhookFanOut"/>: cursor and deliveries in one transaction); then, for every endpoint
/// that is not paused, due deliveries are leased — only the first pending one of each message, so one
/// message's events arrive in order while different messages go in parallel, at most
/// <c>Webhooks:Concurrency</c> at a time per endpoint — signed and POSTed. Each answer decides its
/// delivery (<see cref="WebhookRetry"/>: delivered, retried later, or given up after 24 hours) and its
/// endpoint's health (<see cref="WebhookPausing"/>), recorded with the attempt in one transaction; answers
/// that arrive together share it. The next pass starts at once after a commit, or after
/// <c>Webhooks:PollInterval</c>.
/// At start the leases of a crashed run are released, so what was in flight is sent again: a receiver
/// may see an event twice (the same webhook-id), never miss one.
/// Talks to: the webhook store, the send log's outbox, the sender, the keyring, metrics.
/// Security: signs with each endpoint's own key; logs ids, hosts and errors, never secrets, bodies or
/// whole URLs (a receiver may put a token of its own in the path or query).
/// </summary>
public sealed class WebhookDispatcher : BackgroundService
{
    /// <summary>A lease outlives the POST's own timeout by this much, so a slow answer is never raced by a second try.</summary>
    static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(1);
    static readonly TimeSpan BacklogEvery = TimeSpan.FromSeconds(5);
    const int FanOutBatches = 10, RecordBatch = 200;

    readonly IWebhookStore _store;
    readonly ISendLog _log;
    readonly WebhookFanOut _fanOut;
    readonly IWebhookSender _sender;
    readonly WebhookKeyring _keys;
    readonly WebhookOptions _options;
    readonly OutpostMetrics _metrics;
    readonly TimeProvider _time;
    readonly ILogger _logger;

    readonly Channel<WebhookResult> _results = Channel.CreateUnbounded<WebhookResult>(new UnboundedChannelOptions { SingleReader = true });
    readonly Dictionary<long, int> _inFlight = [];
    readonly SemaphoreSlim _wake = new(0);
    readonly HashSet<long> _paused = [];
    readonly Lock _lock = new();
    Task? _recorder;
    int _outstanding;
    DateTimeOffset _backlogAt = DateTimeOffset.MinValue;

    public WebhookDispatcher(IWebhookStore store, ISendLog log, WebhookFanOut fanOut, IWebhookSender sender, WebhookKeyring keys, WebhookOptions options,
        OutpostMetrics metrics, TimeProvider time, ILogger<WebhookDispatcher> logger)
    {
        _store = store;
        _log = log;
        _fanOut = fanOut;
        _sender = sender;
        _keys = keys;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Tries that are sent or being recorded, for every endpoint.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var released = await _store.ReleaseLeasesAsync(stoppingToken);
            if (released > 0)
                _logger.LogInformation("Sending {Count} webhook(s) again that were in flight before the restart", released);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Cannot release the webhook leases of the last run; they are sent again once their lease runs out");
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CycleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Webhook dispatch failed; trying again");
            }
            try
            {
                // Real time, not the TimeProvider: this only paces the loop; a recorded answer wakes it at once.
                await _wake.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Stopping: what is in flight finishes (each POST within its timeout) and is recorded.
        await DrainAsync();
    }

    /// <summary>One pass: deliveries made from new events for every endpoint, then due deliveries sent. Returns how many tries it started.</summary>
    public async Task<int> CycleAsync(CancellationToken cancellationToken = default)
    {
        var endpoints = await _store.EndpointsAsync(allDomains: true, cancellationToken: cancellationToken);
        NotePauses(endpoints);
        var newest = await _log.LatestEventIdAsync(cancellationToken);
        var slowest = newest;
        foreach (var endpoint in endpoints)
            slowest = Math.Min(slowest, await _fanOut.RunAsync(endpoint, newest, FanOutBatches, cancellationToken));

        var started = 0;
        var now = _time.GetUtcNow();
        foreach (var endpoint in endpoints.Where(e => e.Enabled))
        {
            var free = _options.Concurrency - InFlight(endpoint.Id);
            if (free <= 0)
                continue;
            byte[] key;
            try
            {
                key = _keys.KeyOf(endpoint);
            }
            catch (CryptographicException ex)
            {
                _logger.LogError("Webhook endpoint {Id} cannot be signed for: {Reason}", endpoint.Id, ex.Message);
                continue;
            }
            var claimed = await _store.ClaimDueAsync(endpoint.Id, now, now + _options.Timeout + LeaseMargin, free, cancellationToken);
            foreach (var delivery in claimed)
                Start(endpoint, delivery, key);
            started += claimed.Count;
        }

        if (now - _backlogAt >= BacklogEvery)
        {
            _backlogAt = now;
            var backlog = await _store.BacklogAsync(cancellationToken);
            _metrics.WebhookBacklog(newest - slowest, backlog.Pending, backlog.OldestPending is { } oldest ? now - oldest : TimeSpan.Zero);
        }
        return started;
    }

    /// <summary>Waits until every try started so far has its answer recorded.</summary>
    public async Task DrainAsync()
    {
        while (Outstanding > 0)
            await Task.Delay(10);
    }

    void Start(WebhookEndpoint endpoint, WebhookDelivery delivery, byte[] key)
    {
        lock (_lock)
        {
            _inFlight[endpoint.Id] = _inFlight.GetValueOrDefault(endpoint.Id) + 1;
            _outstanding++;
            _recorder ??= Task.Run(RecordLoopAsync);
        }
        var allowPrivate = endpoint.Domain is null || _options.AllowPrivateNetworks;
        _ = Task.Run(async () =>
        {
            var at = _time.GetUtcNow();
            WebhookResponse response;
            try
            {
                var timestamp = at.ToUnixTimeSeconds();
                var signature = WebhookSignature.Sign(delivery.WebhookId, timestamp, delivery.Body, key);
                response = await _sender.SendAsync(new WebhookRequest(new Uri(endpoint.Url), delivery.WebhookId, timestamp, delivery.Body, signature, allowPrivate));
            }
            catch (Exception ex)
            {
                response = new WebhookResponse(null, ex.Message, _time.GetUtcNow() - at);
            }
            _results.Writer.TryWrite(WebhookRetry.After(delivery, response, at, _options, Random.Shared.NextDouble()));
        });
    }

    /// <summary>Records answers as they come, all that are waiting in one transaction; then wakes the loop for the next ones.</summary>
    async Task RecordLoopAsync()
    {
        var reader = _results.Reader;
        var batch = new List<WebhookResult>(RecordBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < RecordBatch && reader.TryRead(out var result))
                batch.Add(result);
            try
            {
                await _store.RecordAsync(batch, (health, result) => WebhookPausing.After(health, result.Response, result.At, _options));
                foreach (var result in batch)
                {
                    _metrics.WebhookTry(result.Status switch
                    {
                        WebhookDeliveryStatus.Delivered => "delivered",
                        WebhookDeliveryStatus.Failed => "failed",
                        _ => "retried",
                    });
                    if (result.Status == WebhookDeliveryStatus.Failed)
                        _logger.LogWarning("Webhook delivery {Delivery} to endpoint {Endpoint} given up: {Reply}", result.DeliveryId, result.EndpointId, result.Response.Summary);
                }
            }
            catch (Exception ex)
            {
                // The deliveries stay leased and are sent again once their lease runs out: late, not lost.
                _logger.LogError(ex, "Cannot record {Count} webhook answer(s); they are sent again later", batch.Count);
            }
            lock (_lock)
            {
                foreach (var result in batch)
                {
                    _inFlight[result.EndpointId]--;
                    _outstanding--;
                }
            }
            _wake.Release();
        }
    }

    int InFlight(long endpointId)
    {
        lock (_lock)
            return _inFlight.GetValueOrDefault(endpointId);
    }

    /// <summary>Logs each pause once, when this process first sees it (the pause itself is stored with the reason).</summary>
    void NotePauses(IReadOnlyList<WebhookEndpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint.PausedReason is { } reason && _paused.Add(endpoint.Id))
                // The host only: a URL's path or query may carry the receiver's own token.
                _logger.LogWarning("Webhook endpoint {Id} ({Host}) is paused: {Reason}", endpoint.Id, new Uri(endpoint.Url).Host, reason);
            else if (endpoint.PausedReason is null)
                _paused.Remove(endpoint.Id);
        }
    }

    public override void Dispose()
    {
        _results.Writer.TryComplete();
        _wake.Dispose();
        base.Dispose();
    }
}
