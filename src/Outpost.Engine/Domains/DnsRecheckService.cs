using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Domains;

/// <summary>
/// Looks at every domain's sending records again on an interval (S3: "keeps re-checking"), so a record
/// that changed or disappeared is noticed, pending DKIM keys take over once published, and old keys retire.
/// </summary>
public sealed class DnsRecheckService(IAccountStore accounts, DomainDnsVerifier verifier, SendingOptions options, TimeProvider time, ILogger<DnsRecheckService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var domain in await accounts.ListDomainsAsync(stoppingToken))
            {
                try
                {
                    var before = await verifier.ReportAsync(domain.Name, stoppingToken);
                    var after = await verifier.CheckAsync(domain.Name, stoppingToken);
                    if (before.Ready != after.Ready || before.CheckedAt is null)
                        logger.LogInformation("Sending DNS records of {Domain}: {State}{Problem}", domain.Name, after.Ready ? "ready" : "not ready",
                            after.FirstProblem is { } p ? $" ({p.Sentence})" : "");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Cannot check the sending DNS records of {Domain}", domain.Name);
                }
            }
            try
            {
                await Task.Delay(options.RecheckInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
