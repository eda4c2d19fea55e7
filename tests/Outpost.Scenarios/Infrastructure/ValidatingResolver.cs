using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// Unbound (Debian's unbound) on 127.0.0.1 at a free port as the DNSSEC-validating resolver Outpost asks:
/// the test zones as stub zones served by the <see cref="AuthoritativeDns"/> on loopback, the signed ones'
/// DS records as its trust anchors, nothing else (no root hints are ever used, no address outside
/// loopback is asked). Unsigned zones have no anchor, so their answers come without the AD bit.
/// </summary>
public sealed class ValidatingResolver : IAsyncDisposable
{
    readonly Process _process;

    public int Port { get; }
    public string Endpoint => $"127.0.0.1:{Port}";

    ValidatingResolver(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<ValidatingResolver> StartAsync(string directory, int authoritativePort, IEnumerable<string> zones, IEnumerable<string> trustAnchors)
    {
        var port = Ports.Free();
        var conf = Path.Combine(directory, "unbound.conf");
        var lines = new List<string>
        {
            "server:", $"  interface: 127.0.0.1@{port}", $"  port: {port}", "  do-ip6: no", "  do-daemonize: no", "  username: \"\"", "  chroot: \"\"",
            $"  directory: \"{directory}\"", $"  pidfile: \"{Path.Combine(directory, "unbound.pid")}\"", "  use-syslog: no", "  logfile: \"\"",
            "  verbosity: 1", "  val-log-level: 2", "  num-threads: 1", "  so-reuseport: no", "  access-control: 127.0.0.0/8 allow",
            // The authoritative server is on loopback, and .test is a special-use name unbound answers itself unless told not to.
            "  do-not-query-localhost: no", "  local-zone: \"test.\" nodefault", "  trust-anchor-signaling: no",
            "  module-config: \"validator iterator\"",
        };
        lines.AddRange(trustAnchors.Select(a => $"  trust-anchor: \"{a}\""));
        lines.AddRange(["remote-control:", "  control-enable: no"]);
        foreach (var zone in zones)
            lines.AddRange(["stub-zone:", $"  name: \"{zone}\"", $"  stub-addr: 127.0.0.1@{authoritativePort}"]);
        await File.WriteAllLinesAsync(conf, lines);
        var process = Processes.Start(Paths.Tool("unbound"), ["-d", "-c", conf]);
        var resolver = new ValidatingResolver(process, port);
        try
        {
            await Ports.WaitUntilOpenAsync("127.0.0.1", port, TimeSpan.FromSeconds(15));
        }
        catch (System.Net.Sockets.SocketException)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            var error = await process.StandardError.ReadToEndAsync();
            process.Dispose();
            throw new InvalidOperationException("unbound did not start: " + error);
        }
        return resolver;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
