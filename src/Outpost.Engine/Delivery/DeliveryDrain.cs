using Microsoft.Extensions.Hosting;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Lets remote deliveries in flight finish when <c>outpost serve</c> stops. Registered first among the
/// server's hosted services, so it stops last: the listeners take no new mail and the scheduler claims no
/// more before it waits; the host's stop timeout bounds the wait (<see cref="RemoteDispatcher.DrainAsync"/>).
/// </summary>
public sealed class DeliveryDrain(RemoteDispatcher remote) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => remote.DrainAsync(cancellationToken);
}
