using Microsoft.Extensions.Hosting;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>
/// Runs <see cref="MtaStsPolicies.RefreshDueAsync"/> in <c>outpost serve</c> every <c>Tls:MtaStsRefreshInterval</c>,
/// so that policies in use are fetched again before their max_age ends and a delivery never waits for one.
/// Talks to: the MTA-STS policies. Security stance: a failed refresh leaves the policy as it was (it holds until max_age).
/// </summary>
public sealed class MtaStsRefresher(MtaStsPolicies policies, OutpostOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Tls.MtaStsRefreshInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await policies.RefreshDueAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
