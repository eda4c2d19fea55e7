using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Storage.Postgres;

/// <summary>TLS-RPT's counts and sent reports in PostgreSQL (<c>tls_report_counts</c>, <c>tls_reports_sent</c>); counts from several nodes add up.</summary>
public sealed class PostgresTlsReportStore(PostgresDatabase db) : ITlsReportStore
{
    const string Columns = "day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip, reason, count";

    public Task AddAsync(IReadOnlyList<TlsReportCount> counts, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            if (counts.Count == 0)
                return 0;
            await using var batch = tx.Batch();
            foreach (var r in counts)
                batch.Add($"INSERT INTO tls_report_counts ({Columns}) VALUES (@day, @domain, @type, @policy, @mx, @result, @rmx, @rip, @reason, @count) " +
                        "ON CONFLICT (day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip) " +
                        "DO UPDATE SET count = tls_report_counts.count + EXCLUDED.count")
                    .Parameters.Text("day", r.Day).Text("domain", r.Domain).Text("type", r.PolicyType).Text("policy", r.PolicyString).Text("mx", r.MxHost)
                    .Text("result", r.ResultType).Text("rmx", r.ReceivingMx).Text("rip", r.ReceivingIp).Text("reason", r.Reason).Long("count", r.Count);
            return await batch.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<IReadOnlyList<TlsReportCount>> CountsAsync(string day, string? domain = null, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM tls_report_counts WHERE day = @day AND (@domain IS NULL OR domain = @domain) " +
            "ORDER BY domain, policy_type, policy_string, result_type, receiving_mx, receiving_ip");
        command.Parameters.Text("day", day).Text("domain", domain);
        return await command.ListAsync(r => new TlsReportCount(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
            r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9)), cancellationToken);
    }

    public Task<bool> ClaimAsync(string day, string domain, string reportId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("INSERT INTO tls_reports_sent (day, domain, report_id, sent_at) VALUES (@day, @domain, @id, @at) ON CONFLICT (day, domain) DO NOTHING");
            command.Parameters.Text("day", day).Text("domain", domain).Text("id", reportId).Time("at", at);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public Task ReleaseAsync(string day, string domain, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("DELETE FROM tls_reports_sent WHERE day = @day AND domain = @domain");
            command.Parameters.Text("day", day).Text("domain", domain);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task PurgeBeforeAsync(string day, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var batch = tx.Batch();
            batch.Add("DELETE FROM tls_report_counts WHERE day < @day").Parameters.Text("day", day);
            batch.Add("DELETE FROM tls_reports_sent WHERE day < @day").Parameters.Text("day", day);
            return await batch.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
