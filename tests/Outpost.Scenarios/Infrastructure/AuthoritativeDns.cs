using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// NSD (Debian's nsd) on 127.0.0.1 at a free port, authoritative for the zones given (name and zone file),
/// in the foreground, as the test's user, with no control socket: the signed zones' server that the
/// validating resolver asks.
/// </summary>
public sealed class AuthoritativeDns : IAsyncDisposable
{
    readonly Process _process;

    public int Port { get; }

    AuthoritativeDns(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<AuthoritativeDns> StartAsync(string directory, IReadOnlyDictionary<string, string> zones)
    {
        var port = Ports.Free();
        var conf = Path.Combine(directory, "nsd.conf");
        var lines = new List<string>
        {
            "server:", $"  ip-address: 127.0.0.1@{port}", "  do-ip6: no", "  username: \"\"", "  chroot: \"\"", $"  zonesdir: \"{directory}\"",
            "  database: \"\"", $"  pidfile: \"{Path.Combine(directory, "nsd.pid")}\"", $"  xfrdfile: \"{Path.Combine(directory, "xfrd.state")}\"",
            $"  zonelistfile: \"{Path.Combine(directory, "zone.list")}\"", "  server-count: 1", "  verbosity: 1",
            "remote-control:", "  control-enable: no",
        };
        foreach (var (name, file) in zones)
            lines.AddRange(["zone:", $"  name: {name}", $"  zonefile: \"{file}\""]);
        await File.WriteAllLinesAsync(conf, lines);
        var process = Processes.Start(Paths.Tool("nsd"), ["-d", "-c", conf]);
        var server = new AuthoritativeDns(process, port);
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
            throw new InvalidOperationException("nsd did not start: " + error);
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
