using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Webhooks;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Webhook endpoints, deliveries and attempts in SQLite. Claims and records are write transactions on the
/// one writer connection; the claim reads the partial indexes of pending deliveries only, so delivered
/// history never slows it. Every rule (what is due, when to retry, when to pause) is decided by the
/// engine; the statements here only apply it.
/// </summary>
public sealed class SqliteWebhookStore(SqliteDatabase db) : IWebhookStore
{
    const string Pending = "'pending'";

    sealed class EndpointRow
    {
        public long id { get; init; }
        public string? domain { get; init; }
        public string url { get; init; } = "";
        public string events { get; init; } = "";
        public string secret { get; init; } = "";
        public string created_by { get; init; } = "";
        public long created_at { get; init; }
        public long cursor { get; init; }
        public string? paused_reason { get; init; }
        public long? paused_at { get; init; }

        public WebhookEndpoint ToEndpoint() => new(id, domain, url, events.Split(',', StringSplitOptions.RemoveEmptyEntries), secret, created_by,
            Time.FromMs(created_at), cursor, paused_reason, paused_at is { } p ? Time.FromMs(p) : null);
    }

    sealed class DeliveryRow
    {
        public long id { get; init; }
        public long endpoint_id { get; init; }
        public long event_id { get; init; }
        public string type { get; init; } = "";
        public string? message_id { get; init; }
        public string body { get; init; } = "";
        public long attempts { get; init; }
        public long? first_attempt_at { get; init; }
    }

    sealed class AttemptRow
    {
        public long delivery_id { get; init; }
        public long event_id { get; init; }
        public string type { get; init; } = "";
        public string? message_id { get; init; }
        public long at { get; init; }
        public long? status_code { get; init; }
        public string? error { get; init; }
        public long duration_ms { get; init; }
        public string status { get; init; } = "";
        public long attempts { get; init; }
    }

    sealed class StatsRow
    {
        public long endpoint_id { get; init; }
        public string status { get; init; } = "";
        public long n { get; init; }
        public long? oldest { get; init; }
    }

    const string EndpointColumns = "id, domain, url, events, secret, created_by, created_at, cursor, paused_reason, paused_at";

    public Task<WebhookEndpoint> AddEndpointAsync(NewWebhookEndpoint e, long cursor, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.QuerySingle<EndpointRow>(
            "INSERT INTO webhook_endpoints (domain, url, events, secret, created_by, created_at, cursor) VALUES (@domain, @url, @events, @secret, @by, @now, @cursor) " +
            $"RETURNING {EndpointColumns}",
            new { domain = e.Domain, url = e.Url, events = string.Join(',', e.Events), secret = e.SealedSecret, by = e.CreatedBy, now = now.ToMs(), cursor }, t).ToEndpoint(),
            cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> EndpointsAsync(bool allDomains, string? domain = null, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var where = allDomains ? "" : domain is null ? "WHERE domain IS NULL" : "WHERE domain = @domain";
        return (await c.QueryAsync<EndpointRow>($"SELECT {EndpointColumns} FROM webhook_endpoints {where} ORDER BY id", new { domain }))
            .Select(r => r.ToEndpoint()).ToList();
    }

    public async Task<WebhookEndpoint?> EndpointAsync(long id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<EndpointRow>($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = @id", new { id }))?.ToEndpoint();
    }

    public Task<bool> ReplaceSecretAsync(long id, string from, string to, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("UPDATE webhook_endpoints SET secret = @to WHERE id = @id AND secret = @from", new { id, from, to }, t) == 1, cancellationToken);

    public Task<bool> RemoveEndpointAsync(long id, CancellationToken cancellationToken = default) =>
        // Deliveries and their attempts go with it (ON DELETE CASCADE; foreign keys are on for the writer).
        db.WriteAsync((c, t) => c.Execute("DELETE FROM webhook_endpoints WHERE id = @id", new { id }, t) == 1, cancellationToken);

    public Task<bool> PauseAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "UPDATE webhook_endpoints SET paused_reason = @reason, paused_at = @at WHERE id = @id AND paused_reason IS NULL",
            new { id, reason, at = at.ToMs() }, t) == 1, cancellationToken);

    public Task<long?> ResumeAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync<long?>((c, t) =>
        {
            if (c.Execute("UPDATE webhook_endpoints SET paused_reason = NULL, paused_at = NULL, consecutive_failures = 0, failing_since = NULL WHERE id = @id",
                    new { id }, t) == 0)
                return null;
            return c.Execute(
                // A fresh start: the backoff begins again at its first step and the 24 hours again (the tries so far stay in webhook_attempts).
                $"UPDATE webhook_deliveries SET next_attempt_at = @now, first_attempt_at = NULL, attempts = 0 WHERE endpoint_id = @id AND status = {Pending}",
                new { id, now = now.ToMs() }, t);
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> LastDeferredAsync(long endpointId, IReadOnlyCollection<long> recipientIds,
        CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var found = new Dictionary<long, DateTimeOffset>();
        foreach (var chunk in recipientIds.Chunk(500))
            foreach (var (recipient, at) in await c.QueryAsync<(long, long)>(
                         "SELECT recipient_id, MAX(event_at) FROM webhook_deliveries WHERE endpoint_id = @endpointId AND type = 'deferred' AND recipient_id IN @chunk " +
                         "GROUP BY recipient_id", new { endpointId, chunk }))
                found[recipient] = Time.FromMs(at);
        return found;
    }

    public Task<bool> AddDeliveriesAsync(long endpointId, long fromCursor, long toCursor, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            // The cursor first: if it moved (or the endpoint is gone), nothing is written.
            if (c.Execute("UPDATE webhook_endpoints SET cursor = @toCursor WHERE id = @endpointId AND cursor = @fromCursor",
                    new { endpointId, fromCursor, toCursor }, t) == 0)
                return false;
            if (deliveries.Count == 0)
                return true;
            using var insert = Prepared.Command(c, t,
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, type, message_id, recipient_id, event_at, body, status, next_attempt_at, created_at) " +
                $"VALUES ($endpoint, $event, $type, $message, $recipient, $at, $body, {Pending}, $now, $now)");
            foreach (var d in deliveries)
                Prepared.Run(insert, endpointId, d.EventId, d.Type, d.MessageId, d.RecipientId, d.EventAt.ToMs(), d.Body, now.ToMs());
            return true;
        }, cancellationToken);

    public Task<int> ReleaseLeasesAsync(CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute($"UPDATE webhook_deliveries SET lease_until = NULL WHERE status = {Pending} AND lease_until IS NOT NULL", transaction: t),
            cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(long endpointId, DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<WebhookDelivery>>((c, t) => c.Query<DeliveryRow>(
                "UPDATE webhook_deliveries SET lease_until = @lease WHERE id IN (" +
                "SELECT d.id FROM webhook_deliveries d " +
                $"WHERE d.endpoint_id = @endpointId AND d.status = {Pending} AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now) " +
                // The first pending delivery of its message: an earlier one of the same message, pending (being tried, or waiting for its retry), goes first.
                "AND (d.message_id IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_deliveries p " +
                $"WHERE p.endpoint_id = d.endpoint_id AND p.message_id = d.message_id AND p.status = {Pending} AND p.id < d.id)) " +
                "ORDER BY d.next_attempt_at, d.id LIMIT @limit) " +
                "RETURNING id, endpoint_id, event_id, type, message_id, body, attempts, first_attempt_at",
                new { endpointId, now = now.ToMs(), lease = leaseUntil.ToMs(), limit }, t)
            .OrderBy(r => r.id)
            .Select(r => new WebhookDelivery(r.id, r.endpoint_id, r.event_id, r.type, r.message_id, r.body, (int)r.attempts,
                r.first_attempt_at is { } f ? Time.FromMs(f) : null))
            .ToList(), cancellationToken);

    public Task RecordAsync(IReadOnlyList<WebhookResult> results, Func<WebhookEndpointHealth, WebhookResult, WebhookEndpointHealth> health,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            using var delivery = Prepared.Command(c, t,
                "UPDATE webhook_deliveries SET status = $status, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, $at), " +
                "next_attempt_at = COALESCE($next, next_attempt_at), lease_until = NULL, done_at = $done, last_code = $code, last_error = $error WHERE id = $id");
            using var attempt = Prepared.Command(c, t,
                "INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status_code, error, duration_ms) VALUES ($delivery, $endpoint, $at, $code, $error, $ms)");
            using var read = Prepared.Command(c, t,
                "SELECT consecutive_failures, failing_since, paused_reason, paused_at FROM webhook_endpoints WHERE id = $id");
            using var write = Prepared.Command(c, t,
                "UPDATE webhook_endpoints SET consecutive_failures = $failures, failing_since = $since, paused_reason = $reason, paused_at = $paused WHERE id = $id");
            foreach (var r in results)
            {
                var done = r.Status == WebhookDeliveryStatus.Pending ? (long?)null : r.At.ToMs();
                if (Prepared.Run(delivery, Name(r.Status), r.At.ToMs(), r.NextAttemptAt?.ToMs(), done, r.Response.StatusCode, r.Response.Error, r.DeliveryId) == 0)
                    continue; // its endpoint was removed meanwhile
                Prepared.Run(attempt, r.DeliveryId, r.EndpointId, r.At.ToMs(), r.Response.StatusCode, r.Response.Error, (long)r.Response.Duration.TotalMilliseconds);
                if (Health(read, r.EndpointId) is not { } now)
                    continue;
                var next = health(now, r);
                if (next != now)
                    Prepared.Run(write, next.ConsecutiveFailures, next.FailingSince?.ToMs(), next.PausedReason, next.PausedAt?.ToMs(), r.EndpointId);
            }
            return results.Count;
        }, cancellationToken);

    static WebhookEndpointHealth? Health(SqliteCommand read, long endpointId)
    {
        read.Parameters[0].Value = endpointId;
        using var row = read.ExecuteReader();
        if (!row.Read())
            return null;
        return new WebhookEndpointHealth(row.GetInt32(0), row.IsDBNull(1) ? null : Time.FromMs(row.GetInt64(1)),
            row.IsDBNull(2) ? null : row.GetString(2), row.IsDBNull(3) ? null : Time.FromMs(row.GetInt64(3)));
    }

    public Task RecordTestAsync(long endpointId, string body, WebhookResult result, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            var at = result.At.ToMs();
            var id = c.ExecuteScalar<long?>(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, type, event_at, body, status, attempts, next_attempt_at, first_attempt_at, done_at, last_code, last_error, created_at) " +
                "SELECT @endpointId, 0, 'test', @at, @body, @status, 1, @at, @at, @at, @code, @error, @at WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = @endpointId) " +
                "RETURNING id",
                new { endpointId, at, body, status = Name(result.Status), code = result.Response.StatusCode, error = result.Response.Error }, t);
            if (id is { } delivery)
                c.Execute("INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status_code, error, duration_ms) VALUES (@delivery, @endpointId, @at, @code, @error, @ms)",
                    new { delivery, endpointId, at, code = result.Response.StatusCode, error = result.Response.Error, ms = (long)result.Response.Duration.TotalMilliseconds }, t);
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<WebhookAttemptEntry>> AttemptsAsync(long endpointId, int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<AttemptRow>(
            "SELECT a.delivery_id, d.event_id, d.type, d.message_id, a.at, a.status_code, a.error, a.duration_ms, d.status, d.attempts " +
            "FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE a.endpoint_id = @endpointId ORDER BY a.id DESC LIMIT @limit",
            new { endpointId, limit });
        return rows.Select(r => new WebhookAttemptEntry(r.delivery_id, r.event_id, r.type, r.message_id, Time.FromMs(r.at), (int?)r.status_code, r.error,
            TimeSpan.FromMilliseconds(r.duration_ms), Parse(r.status), (int)r.attempts)).ToList();
    }

    public async Task<IReadOnlyDictionary<long, WebhookStats>> StatsAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<StatsRow>(
            "SELECT endpoint_id, status, COUNT(*) AS n, MIN(created_at) AS oldest FROM webhook_deliveries WHERE type <> 'test' GROUP BY endpoint_id, status");
        return rows.GroupBy(r => r.endpoint_id).ToDictionary(g => g.Key, g =>
        {
            long Count(string status) => g.Where(r => r.status == status).Sum(r => r.n);
            var oldest = g.FirstOrDefault(r => r.status == "pending")?.oldest;
            return new WebhookStats(Count("pending"), Count("delivered"), Count("failed"), oldest is { } o ? Time.FromMs(o) : null);
        });
    }

    public async Task<WebhookStats> BacklogAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var (n, oldest) = await c.QuerySingleAsync<(long, long?)>($"SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = {Pending}");
        return new WebhookStats(n, 0, 0, oldest is { } o ? Time.FromMs(o) : null);
    }

    static string Name(WebhookDeliveryStatus status) => status.ToString().ToLowerInvariant();

    static WebhookDeliveryStatus Parse(string name) => Enum.Parse<WebhookDeliveryStatus>(name, ignoreCase: true);
}
