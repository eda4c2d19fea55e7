using Npgsql;
using Outpost.Engine.Webhooks;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Webhook endpoints, deliveries and attempts in PostgreSQL, shared by the nodes. An endpoint's cursor
/// moves by compare-and-set, so of two nodes turning the same events into deliveries one writes them and
/// the other writes nothing; deliveries are claimed with <c>FOR UPDATE SKIP LOCKED</c> under a lease, so
/// two nodes never send the same delivery at once. Every rule (what is due, when to retry, when to pause)
/// is decided by the engine; the statements here only apply it. Locks are taken endpoint first, then its
/// deliveries, in every transaction that takes both. Security: an endpoint's secret arrives sealed and
/// is stored sealed.
/// </summary>
public sealed class PostgresWebhookStore(PostgresDatabase db) : IWebhookStore
{
    const string Pending = "'pending'";
    const string EndpointColumns = "id, domain, url, events, secret, created_by, created_at, cursor, paused_reason, paused_at";

    static WebhookEndpoint Endpoint(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.Text(1), r.GetString(2), r.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries), r.GetString(4), r.GetString(5),
            r.Time(6), r.GetInt64(7), r.Text(8), r.TimeOrNull(9));

    static string Name(WebhookDeliveryStatus status) => status.ToString().ToLowerInvariant();

    static WebhookDeliveryStatus Parse(string name) => Enum.Parse<WebhookDeliveryStatus>(name, ignoreCase: true);

    public Task<WebhookEndpoint> AddEndpointAsync(NewWebhookEndpoint e, long cursor, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "INSERT INTO webhook_endpoints (domain, url, events, secret, created_by, created_at, cursor) VALUES (@domain, @url, @events, @secret, @by, @now, @cursor) " +
                $"RETURNING {EndpointColumns}");
            command.Parameters.Text("domain", e.Domain).Text("url", e.Url).Text("events", string.Join(',', e.Events)).Text("secret", e.SealedSecret)
                .Text("by", e.CreatedBy).Time("now", now).Long("cursor", cursor);
            return (await command.ListAsync(Endpoint, ct)).Single();
        }, cancellationToken);

    public async Task<IReadOnlyList<WebhookEndpoint>> EndpointsAsync(bool allDomains, string? domain = null, CancellationToken cancellationToken = default)
    {
        var where = allDomains ? "" : domain is null ? "WHERE domain IS NULL" : "WHERE domain = @domain";
        await using var command = db.Read($"SELECT {EndpointColumns} FROM webhook_endpoints {where} ORDER BY id");
        if (!allDomains && domain is not null)
            command.Parameters.Text("domain", domain);
        return await command.ListAsync(Endpoint, cancellationToken);
    }

    public async Task<WebhookEndpoint?> EndpointAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {EndpointColumns} FROM webhook_endpoints WHERE id = @id");
        command.Parameters.Long("id", id);
        return (await command.ListAsync(Endpoint, cancellationToken)).SingleOrDefault();
    }

    public Task<bool> ReplaceSecretAsync(long id, string from, string to, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE webhook_endpoints SET secret = @to WHERE id = @id AND secret = @from");
            command.Parameters.Long("id", id).Text("from", from).Text("to", to);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public Task<bool> RemoveEndpointAsync(long id, CancellationToken cancellationToken = default) =>
        // Deliveries and their attempts go with it (ON DELETE CASCADE).
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("DELETE FROM webhook_endpoints WHERE id = @id");
            command.Parameters.Long("id", id);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public Task<bool> PauseAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE webhook_endpoints SET paused_reason = @reason, paused_at = @at WHERE id = @id AND paused_reason IS NULL");
            command.Parameters.Text("reason", reason).Time("at", at).Long("id", id);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public Task<long?> ResumeAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync<long?>(async (tx, ct) =>
        {
            await using var batch = tx.Batch();
            var endpoint = batch.Add("UPDATE webhook_endpoints SET paused_reason = NULL, paused_at = NULL, consecutive_failures = 0, failing_since = NULL WHERE id = @id");
            endpoint.Parameters.Long("id", id);
            // A fresh start: the backoff begins again at its first step and the 24 hours again (the tries so far stay in webhook_attempts).
            // The endpoint's row is locked by the statement before, so a node recording results for it waits.
            var deliveries = batch.Add($"UPDATE webhook_deliveries SET next_attempt_at = @now, first_attempt_at = NULL, attempts = 0 WHERE endpoint_id = @id AND status = {Pending}");
            deliveries.Parameters.Time("now", now).Long("id", id);
            await batch.ExecuteNonQueryAsync(ct);
            return endpoint.RecordsAffected == 0 ? null : deliveries.RecordsAffected;
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<long, DateTimeOffset>> LastDeferredAsync(long endpointId, IReadOnlyCollection<long> recipientIds,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT recipient_id, MAX(event_at) FROM webhook_deliveries WHERE endpoint_id = @endpoint AND type = 'deferred' AND recipient_id = ANY(@ids) GROUP BY recipient_id");
        command.Parameters.Long("endpoint", endpointId).LongArray("ids", [.. recipientIds.Select(r => (long?)r)]);
        return (await command.ListAsync(r => (r.GetInt64(0), r.Time(1)), cancellationToken)).ToDictionary(r => r.Item1, r => r.Item2);
    }

    public Task<bool> AddDeliveriesAsync(long endpointId, long fromCursor, long toCursor, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // The cursor first: if it moved (another node made these deliveries) or the endpoint is gone, nothing is written.
            await using (var cursor = tx.Command("UPDATE webhook_endpoints SET cursor = @to WHERE id = @id AND cursor = @from"))
            {
                cursor.Parameters.Long("to", toCursor).Long("id", endpointId).Long("from", fromCursor);
                if (await cursor.ExecuteNonQueryAsync(ct) == 0)
                    return false;
            }
            if (deliveries.Count == 0)
                return true;
            await using var insert = tx.Command(
                "INSERT INTO webhook_deliveries (endpoint_id, event_id, type, message_id, recipient_id, event_at, body, status, next_attempt_at, created_at) " +
                $"SELECT @endpoint, d.event_id, d.type, d.message_id, d.recipient_id, d.event_at, d.body, {Pending}, @now, @now " +
                "FROM unnest(@event, @type, @message, @recipient, @at, @body) WITH ORDINALITY AS d(event_id, type, message_id, recipient_id, event_at, body, ord) ORDER BY d.ord");
            insert.Parameters.Long("endpoint", endpointId).Time("now", now)
                .LongArray("event", [.. deliveries.Select(d => (long?)d.EventId)]).TextArray("type", [.. deliveries.Select(d => d.Type)])
                .TextArray("message", [.. deliveries.Select(d => d.MessageId)]).LongArray("recipient", [.. deliveries.Select(d => d.RecipientId)])
                .TimeArray("at", [.. deliveries.Select(d => d.EventAt)]).TextArray("body", [.. deliveries.Select(d => d.Body)]);
            await insert.ExecuteNonQueryAsync(ct);
            return true;
        }, cancellationToken);

    public Task<int> ReleaseLeasesAsync(CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command($"UPDATE webhook_deliveries SET lease_until = NULL WHERE status = {Pending} AND lease_until IS NOT NULL");
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(long endpointId, DateTimeOffset now, DateTimeOffset leaseUntil, int limit,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<WebhookDelivery>>(async (tx, ct) =>
        {
            // SKIP LOCKED: a delivery another node is claiming right now is passed over; one it claimed a moment ago
            // is re-read after that node's commit (its lease now ahead) and left alone.
            await using var command = tx.Command(
                "UPDATE webhook_deliveries SET lease_until = @lease WHERE id IN (" +
                "SELECT d.id FROM webhook_deliveries d " +
                $"WHERE d.endpoint_id = @endpoint AND d.status = {Pending} AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now) " +
                // The first pending delivery of its message: an earlier one of the same message, pending (being tried, or waiting for its retry), goes first.
                "AND (d.message_id IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_deliveries p " +
                $"WHERE p.endpoint_id = d.endpoint_id AND p.message_id = d.message_id AND p.status = {Pending} AND p.id < d.id)) " +
                "ORDER BY d.next_attempt_at, d.id LIMIT @limit FOR UPDATE SKIP LOCKED) " +
                "RETURNING id, endpoint_id, event_id, type, message_id, body, attempts, first_attempt_at");
            command.Parameters.Time("lease", leaseUntil).Long("endpoint", endpointId).Time("now", now).Int("limit", limit);
            var rows = await command.ListAsync(r => new WebhookDelivery(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.Text(4), r.GetString(5),
                r.GetInt32(6), r.TimeOrNull(7)), ct);
            return rows.OrderBy(d => d.Id).ToList();
        }, cancellationToken);

    public Task RecordAsync(IReadOnlyList<WebhookResult> results, Func<WebhookEndpointHealth, WebhookResult, WebhookEndpointHealth> health,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // The endpoints first (the lock order of every transaction here), read as they are now; the health
            // rule is applied result by result on what the last one left, as on SQLite.
            var endpoints = new Dictionary<long, WebhookEndpointHealth>();
            await using (var read = tx.Command(
                "SELECT id, consecutive_failures, failing_since, paused_reason, paused_at FROM webhook_endpoints WHERE id = ANY(@ids) ORDER BY id FOR UPDATE"))
            {
                read.Parameters.LongArray("ids", [.. results.Select(r => (long?)r.EndpointId).Distinct()]);
                foreach (var (id, state) in await read.ListAsync(r => (r.GetInt64(0), new WebhookEndpointHealth(r.GetInt32(1), r.TimeOrNull(2), r.Text(3), r.TimeOrNull(4))), ct))
                    endpoints[id] = state;
            }
            var before = new Dictionary<long, WebhookEndpointHealth>(endpoints);
            await using var batch = tx.Batch();
            foreach (var r in results)
            {
                // Its endpoint was removed meanwhile: the delivery is gone with it.
                if (!endpoints.TryGetValue(r.EndpointId, out var now))
                    continue;
                batch.Add(
                    "UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, @at), " +
                    "next_attempt_at = COALESCE(@next, next_attempt_at), lease_until = NULL, done_at = @done, last_code = @code, last_error = @error WHERE id = @id").Parameters
                    .Text("status", Name(r.Status)).Time("at", r.At).Time("next", r.NextAttemptAt).Time("done", r.Status == WebhookDeliveryStatus.Pending ? null : r.At)
                    .Int("code", r.Response.StatusCode).Text("error", r.Response.Error).Long("id", r.DeliveryId);
                // Only where the delivery still exists (the foreign key would refuse the attempt otherwise).
                batch.Add(
                    "INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status_code, error, duration_ms) " +
                    "SELECT @delivery, @endpoint, @at, @code, @error, @ms WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = @delivery)").Parameters
                    .Long("delivery", r.DeliveryId).Long("endpoint", r.EndpointId).Time("at", r.At).Int("code", r.Response.StatusCode).Text("error", r.Response.Error)
                    .Long("ms", (long)r.Response.Duration.TotalMilliseconds);
                endpoints[r.EndpointId] = health(now, r);
            }
            foreach (var (id, next) in endpoints)
                if (next != before[id])
                    batch.Add("UPDATE webhook_endpoints SET consecutive_failures = @failures, failing_since = @since, paused_reason = @reason, paused_at = @paused WHERE id = @id")
                        .Parameters.Int("failures", next.ConsecutiveFailures).Time("since", next.FailingSince).Text("reason", next.PausedReason)
                        .Time("paused", next.PausedAt).Long("id", id);
            if (batch.BatchCommands.Count > 0)
                await batch.ExecuteNonQueryAsync(ct);
            return results.Count;
        }, cancellationToken);

    public Task RecordTestAsync(long endpointId, string body, WebhookResult result, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var batch = tx.Batch();
            batch.Add(
                "WITH test AS (INSERT INTO webhook_deliveries (endpoint_id, event_id, type, event_at, body, status, attempts, next_attempt_at, first_attempt_at, done_at, " +
                "last_code, last_error, created_at) " +
                "SELECT @endpoint, 0, 'test', @at, @body, @status, 1, @at, @at, @at, @code, @error, @at WHERE EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = @endpoint) " +
                "RETURNING id) " +
                "INSERT INTO webhook_attempts (delivery_id, endpoint_id, at, status_code, error, duration_ms) SELECT test.id, @endpoint, @at, @code, @error, @ms FROM test")
                .Parameters.Long("endpoint", endpointId).Time("at", result.At).Text("body", body).Text("status", Name(result.Status))
                .Int("code", result.Response.StatusCode).Text("error", result.Response.Error).Long("ms", (long)result.Response.Duration.TotalMilliseconds);
            await batch.ExecuteNonQueryAsync(ct);
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<WebhookAttemptEntry>> AttemptsAsync(long endpointId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT a.delivery_id, d.event_id, d.type, d.message_id, a.at, a.status_code, a.error, a.duration_ms, d.status, d.attempts " +
            "FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE a.endpoint_id = @endpoint ORDER BY a.id DESC LIMIT @limit");
        command.Parameters.Long("endpoint", endpointId).Int("limit", limit);
        return await command.ListAsync(r => new WebhookAttemptEntry(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.Text(3), r.Time(4), r.Int(5), r.Text(6),
            TimeSpan.FromMilliseconds(r.GetInt64(7)), Parse(r.GetString(8)), r.GetInt32(9)), cancellationToken);
    }

    public async Task<IReadOnlyDictionary<long, WebhookStats>> StatsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT endpoint_id, COUNT(*) FILTER (WHERE status = 'pending'), COUNT(*) FILTER (WHERE status = 'delivered'), COUNT(*) FILTER (WHERE status = 'failed'), " +
            "MIN(created_at) FILTER (WHERE status = 'pending') FROM webhook_deliveries WHERE type <> 'test' GROUP BY endpoint_id");
        return (await command.ListAsync(r => (r.GetInt64(0), new WebhookStats(r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.TimeOrNull(4))), cancellationToken))
            .ToDictionary(r => r.Item1, r => r.Item2);
    }

    public async Task<WebhookStats> BacklogAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = {Pending}");
        return (await command.ListAsync(r => new WebhookStats(r.GetInt64(0), 0, 0, r.TimeOrNull(1)), cancellationToken)).Single();
    }
}
