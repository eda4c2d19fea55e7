using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>dnsmasq on 127.0.0.1 at a free port, serving the test zones given as dnsmasq lines.</summary>
public sealed class DnsServer : IAsyncDisposable
{
    readonly Process _process;

    public int Port { get; }
    public string Endpoint => $"127.0.0.1:{Port}";

    DnsServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<DnsServer> StartAsync(string directory, IEnumerable<string> zoneLines)
    {
        var port = Ports.Free();
        var conf = Path.Combine(directory, "dnsmasq.conf");
        await File.WriteAllLinesAsync(conf, new[]
        {
            $"port={port}", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts", "cache-size=0",
        }.Concat(zoneLines));
        var process = Processes.Start(Paths.Tool("dnsmasq"), ["--keep-in-foreground", $"--conf-file={conf}", "--user=root", "--pid-file="]);
        var server = new DnsServer(process, port);
        await Task.Delay(300);
        if (process.HasExited)
            throw new InvalidOperationException("dnsmasq did not start: " + await process.StandardError.ReadToEndAsync());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
