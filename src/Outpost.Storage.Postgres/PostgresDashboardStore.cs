using Npgsql;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The dashboard's counts over the events outbox and the refusals on PostgreSQL, the same groupings as
/// the SQLite store; the rules over them are the Engine's <see cref="Dashboard"/>. Reads only; the scope is
/// a bound parameter, so a reader never sees another domain's counts.
/// </summary>
public sealed class PostgresDashboardStore(PostgresDatabase db) : IDashboardStore
{
    const string HourOf = "to_timestamp(floor(extract(epoch FROM e.created_at) / 3600) * 3600)";

    public async Task<DashboardCounts> CountsAsync(DashboardQuery query, CancellationToken cancellationToken = default)
    {
        var scope = query.Scope is null ? "" : query.Scope.Contains('@') ? " AND e.sender = @scope" : " AND e.sender_domain = @scope";
        var range = "e.created_at >= @since AND e.created_at < @until" + scope;
        const string outcomes = $"('{LifecycleEvents.Delivered}', '{LifecycleEvents.Deferred}', '{LifecycleEvents.Bounced}', '{LifecycleEvents.Expired}')";
        const string outcomeSums = $"(COUNT(*) FILTER (WHERE e.type = '{LifecycleEvents.Delivered}'))::int, (COUNT(*) FILTER (WHERE e.type = '{LifecycleEvents.Deferred}'))::int, " +
                                   $"(COUNT(*) FILTER (WHERE e.type IN ('{LifecycleEvents.Bounced}', '{LifecycleEvents.Expired}')))::int";
        var waiting = RecipientStatusNames.SqlList(RecipientStatusNames.Waiting);

        NpgsqlCommand Command(string sql)
        {
            var command = db.Read(sql);
            command.Parameters.Time("since", query.Since).Time("until", query.Until).Text("scope", query.Scope?.ToLowerInvariant())
                .Int("top", query.Top).Int("sample", query.LatencySample);
            return command;
        }

        List<HourlyCount> hourly;
        await using (var c = Command($"SELECT {HourOf} AS h, e.type, COUNT(*)::int FROM events e WHERE {range} GROUP BY h, e.type"))
            hourly = await c.ListAsync(r => new HourlyCount(r.Time(0), r.GetString(1), r.GetInt32(2)), cancellationToken);
        List<long> latencies;
        await using (var c = Command($"SELECT (extract(epoch FROM e.created_at - m.received_at) * 1000)::bigint FROM events e JOIN messages m ON m.id = e.message_id " +
                                     $"WHERE {range} AND e.type = '{LifecycleEvents.Delivered}' ORDER BY e.created_at DESC LIMIT @sample"))
            latencies = await c.ListAsync(r => r.GetInt64(0), cancellationToken);
        List<ReasonCount> reasons;
        await using (var c = Command($"SELECT e.type, e.code, e.enhanced, COALESCE(MAX(e.reply), MAX(e.reason), e.type), COUNT(*)::int AS n FROM events e " +
                                     $"WHERE {range} AND e.type IN ('{LifecycleEvents.Deferred}', '{LifecycleEvents.Bounced}', '{LifecycleEvents.Expired}') " +
                                     "GROUP BY e.type, e.code, e.enhanced ORDER BY n DESC LIMIT @top * 3"))
            reasons = await c.ListAsync(r => new ReasonCount(r.GetString(0), new RemoteReply(r.Int(1), r.Text(2), r.GetString(3)), r.GetInt32(4)), cancellationToken);
        List<OutcomeCount> channels;
        await using (var c = Command($"SELECT e.channel, {outcomeSums} FROM events e WHERE {range} AND e.type IN {outcomes} AND e.channel IS NOT NULL " +
                                     "GROUP BY e.channel ORDER BY COUNT(*) DESC LIMIT @top"))
            channels = await c.ListAsync(r => new OutcomeCount(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3)), cancellationToken);
        List<OutcomeCount> destinations;
        await using (var c = Command($"SELECT lower(substring(e.address from position('@' in e.address) + 1)) AS key, {outcomeSums} FROM events e " +
                                     $"WHERE {range} AND e.type IN {outcomes} GROUP BY key ORDER BY COUNT(*) DESC LIMIT @top"))
            destinations = await c.ListAsync(r => new OutcomeCount(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3)), cancellationToken);
        // Into the queue: a change to a waiting status from none or from outside it; out: the reverse.
        List<QueueFlow> flow;
        await using (var c = Command($"SELECT {HourOf} AS h, " +
                                     $"(COUNT(*) FILTER (WHERE e.to_status IN {waiting} AND (e.from_status IS NULL OR e.from_status NOT IN {waiting})))::int, " +
                                     $"(COUNT(*) FILTER (WHERE e.from_status IN {waiting} AND e.to_status NOT IN {waiting}))::int " +
                                     $"FROM events e WHERE e.created_at >= @since{scope} GROUP BY h"))
            flow = await c.ListAsync(r => new QueueFlow(r.Time(0), r.GetInt32(1), r.GetInt32(2)), cancellationToken);
        // Read through recipients_waiting (migration 0033), which holds the waiting rows alone: the history is never scanned.
        int waitingNow;
        await using (var c = Command(query.Scope is null
                         ? $"SELECT COUNT(*)::int FROM recipients WHERE status IN {waiting}"
                         : $"SELECT COUNT(*)::int FROM recipients r JOIN messages m ON m.id = r.message_id WHERE r.status IN {waiting} AND " +
                           (query.Scope.Contains('@') ? "m.sender = @scope" : "m.sender_domain = @scope")))
            waitingNow = (int)(await c.ExecuteScalarAsync(cancellationToken))!;
        // Refusals are scoped as the send log scopes them (RefusalsAsync): by the signed-in user or the sender.
        List<RefusalCount> refusals;
        await using (var c = Command("SELECT stage, code, COUNT(*)::int AS n FROM refusals WHERE at >= @since AND at < @until" +
                                     (query.Scope is null ? "" : " AND (auth_user = @scope OR sender = @scope OR substring(auth_user from position('@' in auth_user) + 1) = @scope " +
                                                                 "OR substring(sender from position('@' in sender) + 1) = @scope)") +
                                     " GROUP BY stage, code ORDER BY n DESC LIMIT @top"))
            refusals = await c.ListAsync(r => new RefusalCount(r.GetString(0), r.GetInt32(1), r.GetInt32(2)), cancellationToken);

        return new DashboardCounts(hourly, latencies, reasons, channels, destinations, flow, waitingNow, refusals);
    }
}
