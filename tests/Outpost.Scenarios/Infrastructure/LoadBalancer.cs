using System.Diagnostics;
using System.Globalization;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// HAProxy, the real TCP load balancer, in front of one Outpost server: one frontend per (backend port,
/// PROXY protocol version), each connecting to Outpost from <see cref="SourceAddress"/> so that only that
/// address need be trusted. Runs in the foreground with a generated configuration on loopback ports.
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    readonly Process _process;

    public const string SourceAddress = "127.0.0.3";

    /// <summary>The frontends' ports, by name.</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    LoadBalancer(Process process, IReadOnlyDictionary<string, int> ports)
    {
        _process = process;
        Ports = ports;
    }

    /// <param name="frontends">name, Outpost's port, and the HAProxy server option (send-proxy or send-proxy-v2).</param>
    public static async Task<LoadBalancer> StartAsync(string directory, params (string Name, int Backend, string Proxy)[] frontends)
    {
        Directory.CreateDirectory(directory);
        var ports = new Dictionary<string, int>();
        var config = new System.Text.StringBuilder("""
            global
                maxconn 200
            defaults
                mode tcp
                timeout connect 5s
                timeout client 60s
                timeout server 60s

            """);
        foreach (var (name, backend, proxy) in frontends)
        {
            var port = Infrastructure.Ports.Free();
            ports[name] = port;
            config.Append(CultureInfo.InvariantCulture, $"""
                frontend fe_{name}
                    bind 127.0.0.1:{port}
                    default_backend be_{name}
                backend be_{name}
                    server outpost 127.0.0.1:{backend} {proxy} source {SourceAddress}

                """);
        }
        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, config.ToString());
        var process = Processes.Start(Paths.Tool("haproxy"), ["-db", "-f", path]);
        var balancer = new LoadBalancer(process, ports);
        try
        {
            foreach (var port in ports.Values)
                await Infrastructure.Ports.WaitUntilOpenAsync("127.0.0.1", port, TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            await balancer.DisposeAsync();
            throw new InvalidOperationException("HAProxy did not start: " + await process.StandardError.ReadToEndAsync(), ex);
        }
        return balancer;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
