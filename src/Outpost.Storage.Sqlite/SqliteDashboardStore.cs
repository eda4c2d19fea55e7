using Dapper;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The dashboard's counts over the events outbox and the refusals, grouped in SQL; the rules over them
/// (percentiles, the queue's depth) are the Engine's <see cref="Dashboard"/>. Reads only, on pooled reader
/// connections; the scope is a bound parameter, so a reader never sees another domain's counts.
/// </summary>
public sealed class SqliteDashboardStore(SqliteDatabase db) : IDashboardStore
{
    const long Hour = 3_600_000;

    // Classes, not positional records: an empty result has no column types, and Dapper then matches no constructor.

    sealed class HourRow { public long h { get; init; } public string type { get; init; } = ""; public long n { get; init; } }
    sealed class ReasonRow { public string type { get; init; } = ""; public long? code { get; init; } public string? enhanced { get; init; } public string text { get; init; } = ""; public long n { get; init; } }
    sealed class OutcomeRow { public string key { get; init; } = ""; public long delivered { get; init; } public long deferred { get; init; } public long bounced { get; init; } }
    sealed class FlowRow { public long h { get; init; } public long entered { get; init; } public long left { get; init; } }
    sealed class RefusalRow { public string stage { get; init; } = ""; public long code { get; init; } public long n { get; init; } }

    public async Task<DashboardCounts> CountsAsync(DashboardQuery query, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        // The scope as a plain condition (no "@scope IS NULL OR"), so SQLite walks the index that fits it.
        var scope = query.Scope is null ? "" : query.Scope.Contains('@') ? " AND e.sender = @scope" : " AND e.sender_domain = @scope";
        var args = new { since = query.Since.ToMs(), until = query.Until.ToMs(), scope = query.Scope?.ToLowerInvariant(), top = query.Top, sample = query.LatencySample };
        var range = "e.created_at >= @since AND e.created_at < @until" + scope;
        const string outcomes = $"('{LifecycleEvents.Delivered}', '{LifecycleEvents.Deferred}', '{LifecycleEvents.Bounced}', '{LifecycleEvents.Expired}')";
        const string outcomeSums = $"SUM(e.type = '{LifecycleEvents.Delivered}') AS delivered, SUM(e.type = '{LifecycleEvents.Deferred}') AS deferred, " +
                                   $"SUM(e.type IN ('{LifecycleEvents.Bounced}', '{LifecycleEvents.Expired}')) AS bounced";
        var waiting = RecipientStatusNames.SqlList(RecipientStatusNames.Waiting);

        var hourly = await c.QueryAsync<HourRow>(new CommandDefinition(
            $"SELECT e.created_at / {Hour} AS h, e.type, COUNT(*) AS n FROM events e WHERE {range} GROUP BY h, e.type", args, cancellationToken: cancellationToken));
        var latencies = await c.QueryAsync<long>(new CommandDefinition(
            $"SELECT e.created_at - m.received_at FROM events e JOIN messages m ON m.id = e.message_id WHERE {range} AND e.type = '{LifecycleEvents.Delivered}' " +
            "ORDER BY e.created_at DESC LIMIT @sample", args, cancellationToken: cancellationToken));
        var reasons = await c.QueryAsync<ReasonRow>(new CommandDefinition(
            $"SELECT e.type, e.code, e.enhanced, COALESCE(MAX(e.reply), MAX(e.reason), e.type) AS text, COUNT(*) AS n FROM events e " +
            $"WHERE {range} AND e.type IN ('{LifecycleEvents.Deferred}', '{LifecycleEvents.Bounced}', '{LifecycleEvents.Expired}') " +
            "GROUP BY e.type, e.code, e.enhanced ORDER BY n DESC LIMIT @top * 3", args, cancellationToken: cancellationToken));
        var channels = await c.QueryAsync<OutcomeRow>(new CommandDefinition(
            $"SELECT e.channel AS key, {outcomeSums} FROM events e WHERE {range} AND e.type IN {outcomes} AND e.channel IS NOT NULL " +
            "GROUP BY e.channel ORDER BY COUNT(*) DESC LIMIT @top", args, cancellationToken: cancellationToken));
        var destinations = await c.QueryAsync<OutcomeRow>(new CommandDefinition(
            $"SELECT lower(substr(e.address, instr(e.address, '@') + 1)) AS key, {outcomeSums} FROM events e WHERE {range} AND e.type IN {outcomes} " +
            "GROUP BY key ORDER BY COUNT(*) DESC LIMIT @top", args, cancellationToken: cancellationToken));
        // Into the queue: a change to a waiting status from none or from outside it; out: the reverse.
        var flow = await c.QueryAsync<FlowRow>(new CommandDefinition(
            $"SELECT e.created_at / {Hour} AS h, " +
            $"SUM(e.to_status IN {waiting} AND (e.from_status IS NULL OR e.from_status NOT IN {waiting})) AS entered, " +
            $"SUM(e.from_status IN {waiting} AND e.to_status NOT IN {waiting}) AS left " +
            $"FROM events e WHERE e.created_at >= @since{scope} GROUP BY h", args, cancellationToken: cancellationToken));
        // Read through recipients_waiting (migration 0025), which holds the waiting rows alone: the history is never scanned.
        var waitingNow = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            query.Scope is null
                ? $"SELECT COUNT(*) FROM recipients WHERE status IN {waiting}"
                : $"SELECT COUNT(*) FROM recipients r JOIN messages m ON m.id = r.message_id WHERE r.status IN {waiting} AND " +
                  (query.Scope.Contains('@') ? "m.sender = @scope" : "m.sender_domain = @scope"), args, cancellationToken: cancellationToken));
        // Refusals are scoped as the send log scopes them (RefusalsAsync): by the signed-in user or the sender.
        var refusals = await c.QueryAsync<RefusalRow>(new CommandDefinition(
            "SELECT stage, code, COUNT(*) AS n FROM refusals WHERE at >= @since AND at < @until" +
            (query.Scope is null ? "" : " AND (auth_user = @scope OR sender = @scope OR substr(auth_user, instr(auth_user, '@') + 1) = @scope OR substr(sender, instr(sender, '@') + 1) = @scope)") +
            " GROUP BY stage, code ORDER BY n DESC LIMIT @top", args, cancellationToken: cancellationToken));

        return new DashboardCounts(
            hourly.Select(r => new HourlyCount(Time.FromMs(r.h * Hour), r.type, (int)r.n)).ToList(),
            latencies.ToList(),
            reasons.Select(r => new ReasonCount(r.type, new RemoteReply((int?)r.code, r.enhanced, r.text), (int)r.n)).ToList(),
            channels.Select(r => new OutcomeCount(r.key, (int)r.delivered, (int)r.deferred, (int)r.bounced)).ToList(),
            destinations.Select(r => new OutcomeCount(r.key, (int)r.delivered, (int)r.deferred, (int)r.bounced)).ToList(),
            flow.Select(r => new QueueFlow(Time.FromMs(r.h * Hour), (int)r.entered, (int)r.left)).ToList(),
            (int)waitingNow,
            refusals.Select(r => new RefusalCount(r.stage, (int)r.code, (int)r.n)).ToList());
    }
}
