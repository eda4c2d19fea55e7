using Dapper;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Storage.Sqlite;

/// <summary>TLS-RPT's counts and sent reports in SQLite (<c>tls_report_counts</c>, <c>tls_reports_sent</c>).</summary>
public sealed class SqliteTlsReportStore(SqliteDatabase db) : ITlsReportStore
{
    const string Columns = "day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip, reason, count";

    sealed record Row(string day, string domain, string policy_type, string policy_string, string mx_host, string result_type,
        string receiving_mx, string receiving_ip, string reason, long count)
    {
        public TlsReportCount ToCount() => new(day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip, reason, count);
    }

    public Task AddAsync(IReadOnlyList<TlsReportCount> counts, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            foreach (var r in counts)
                c.Execute(
                    $"INSERT INTO tls_report_counts ({Columns}) VALUES (@Day, @Domain, @PolicyType, @PolicyString, @MxHost, @ResultType, @ReceivingMx, @ReceivingIp, @Reason, @Count) " +
                    "ON CONFLICT (day, domain, policy_type, policy_string, mx_host, result_type, receiving_mx, receiving_ip) DO UPDATE SET count = count + excluded.count",
                    r, t);
            return counts.Count;
        }, cancellationToken);

    public async Task<IReadOnlyList<TlsReportCount>> CountsAsync(string day, string? domain = null, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<Row>(
            $"SELECT {Columns} FROM tls_report_counts WHERE day = @day AND (@domain IS NULL OR domain = @domain) " +
            "ORDER BY domain, policy_type, policy_string, result_type, receiving_mx, receiving_ip", new { day, domain });
        return rows.Select(r => r.ToCount()).ToList();
    }

    public Task<bool> ClaimAsync(string day, string domain, string reportId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO tls_reports_sent (day, domain, report_id, sent_at) VALUES (@day, @domain, @reportId, @at) ON CONFLICT (day, domain) DO NOTHING",
            new { day, domain, reportId, at = at.ToMs() }, t) == 1, cancellationToken);

    public Task ReleaseAsync(string day, string domain, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("DELETE FROM tls_reports_sent WHERE day = @day AND domain = @domain", new { day, domain }, t), cancellationToken);

    public Task PurgeBeforeAsync(string day, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("DELETE FROM tls_report_counts WHERE day < @day", new { day }, t)
            + c.Execute("DELETE FROM tls_reports_sent WHERE day < @day", new { day }, t), cancellationToken);
}
