using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Secrets;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Hosting;

/// <summary>
/// On start of <c>outpost serve</c>: seals with the key ring what an earlier version stored another way —
/// relay passwords kept in plain text (marked by migration 0017) and webhook secrets of the old secret box —
/// so that after the first start of this version the database holds no secret the key ring does not guard.
/// Each value is replaced only if it is still the one read, so nothing is lost to a command running beside it.
/// </summary>
public static class SecretResealing
{
    public static async Task ResealSecretsAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        var relays = await services.GetRequiredService<RelayPasswords>().ResealAsync(cancellationToken);
        var webhooks = await services.GetRequiredService<WebhookKeyring>().ResealAsync(services.GetRequiredService<IWebhookStore>(), cancellationToken);
        if (relays + webhooks > 0)
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost").LogInformation(
                "Sealed {Relays} relay passwords and {Webhooks} webhook secrets with the key ring in {KeyRing}; back it up with the database",
                relays, webhooks, services.GetRequiredService<SecretSealer>().KeyRingPath);
    }
}
