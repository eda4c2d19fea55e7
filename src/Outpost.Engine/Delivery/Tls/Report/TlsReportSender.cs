using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// Sends a day's TLS-RPT reports (RFC 8460): for each policy domain with counts that day, looks up its
/// <c>_smtp._tls</c> TXT record; a domain without one gets nothing; for one with a mailto rua, the report
/// (<see cref="TlsReportBuilder"/>, <see cref="TlsReportMessage"/>) is queued to each address through
/// Outpost's own queue (<see cref="MessageInjector"/>, as bounces are), from <c>Tls:ReportAddress</c>.
/// Each (day, domain) is claimed in the store before it is queued, so a report never goes twice (a second
/// run, another node, a restart); a claim whose mail could not be queued is given back.
/// Talks to: the report store, the TXT resolver, the injector.
/// Security stance: addresses come from the destination's DNS, parsed strictly and at most
/// <see cref="TlsRptRecord.MaxAddresses"/>; the report holds only what Outpost saw of that domain's own servers.
/// </summary>
public sealed class TlsReportSender(OutpostOptions options, ITlsReportStore store, ITxtResolver dns, MessageInjector injector, TimeProvider time, ILogger<TlsReportSender> logger)
{
    /// <summary>Policy domains reported per run at most; the rest wait for the next.</summary>
    public const int MaxDomainsPerRun = 10_000;

    string Submitter => options.Hostname;

    /// <summary>The reports of <paramref name="day"/> as they would be sent, of one domain or all.</summary>
    public async Task<IReadOnlyList<TlsReport>> ReportsAsync(string day, string? domain, CancellationToken cancellationToken = default)
    {
        var rows = await store.CountsAsync(day, domain, cancellationToken);
        var organization = string.IsNullOrWhiteSpace(options.Tls.ReportOrganization) ? options.Hostname : options.Tls.ReportOrganization;
        var contact = string.IsNullOrWhiteSpace(options.Tls.ReportAddress) ? $"postmaster@{options.Hostname}" : options.Tls.ReportAddress;
        return rows.GroupBy(r => r.Domain, StringComparer.Ordinal)
            .Select(g => TlsReportBuilder.Build(day, g.Key, g.ToList(), organization, contact, Submitter))
            .ToList();
    }

    /// <summary>Queues the reports of <paramref name="day"/> not sent before; one outcome per policy domain.</summary>
    public async Task<IReadOnlyList<TlsReportOutcome>> SendAsync(string day, string? domain = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(options.Tls.ReportAddress))
            throw new InvalidOperationException("Tls:ReportAddress is empty, so no TLS report is sent; set it to the address reports come from.");
        var from = options.Tls.ReportAddress;
        var outcomes = new List<TlsReportOutcome>();
        foreach (var report in (await ReportsAsync(day, domain, cancellationToken)).Take(MaxDomainsPerRun))
        {
            var answer = await dns.TxtAsync("_smtp._tls." + report.Domain, cancellationToken);
            if (answer.Failed)
            {
                outcomes.Add(new(report.Domain, false, $"the TLS-RPT record of {report.Domain} could not be looked up ({answer.Error}); the report waits for the next run"));
                continue;
            }
            var (addresses, error) = TlsRptRecord.Addresses(answer.Records);
            if (addresses.Count == 0)
            {
                outcomes.Add(new(report.Domain, false, $"{report.Domain} gets no report: {error}"));
                continue;
            }
            if (!await store.ClaimAsync(day, report.Domain, report.ReportId, time.GetUtcNow(), cancellationToken))
            {
                outcomes.Add(new(report.Domain, false, $"the report of {report.Domain} for {day} was sent before"));
                continue;
            }
            var queued = new List<string>();
            try
            {
                foreach (var to in addresses)
                {
                    var message = TlsReportMessage.Create(report, from, to, Submitter, time.GetUtcNow());
                    queued.Add(await injector.InjectAsync(message, from, to, "tlsrpt", cancellationToken));
                }
            }
            catch (Exception ex) when (queued.Count == 0)
            {
                // Nothing went out: the claim is given back, so the next run sends the report.
                await store.ReleaseAsync(day, report.Domain, CancellationToken.None);
                logger.LogWarning(ex, "The TLS report of {Domain} for {Day} could not be queued", report.Domain, day);
                outcomes.Add(new(report.Domain, false, $"the report of {report.Domain} for {day} could not be queued: {ex.Message}"));
                continue;
            }
            logger.LogInformation("TLS report of {Domain} for {Day} queued to {To} as {Ids}", report.Domain, day, string.Join(", ", addresses), string.Join(", ", queued));
            outcomes.Add(new(report.Domain, true, $"the report of {report.Domain} for {day} is queued to {string.Join(", ", addresses)} ({string.Join(", ", queued)})"));
        }
        return outcomes;
    }
}
