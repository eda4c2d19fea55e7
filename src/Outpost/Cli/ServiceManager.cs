using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Outpost.Cli;

/// <summary>
/// <c>outpost serve</c> under a service manager: with systemd's <c>Type=notify</c> it says <c>READY=1</c>
/// once the listeners are up and <c>STOPPING=1</c> when it begins to stop (SIGTERM), and logs in journald's
/// format. systemd is recognised as the parent process; a <c>NOTIFY_SOCKET</c> set by anything else (a
/// supervisor speaking the same protocol, systemd through a wrapper, the tests) is honoured too.
/// </summary>
public static class ServiceManager
{
    public static void Add(IServiceCollection services)
    {
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 })
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
    }
}
