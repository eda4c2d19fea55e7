using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// dnsmasq on 127.0.0.1 at a fixed free port, serving the test zones given as dnsmasq lines. dnsmasq
/// reads TXT records only at start, so publishing new records restarts it on the same port.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    readonly string _directory;
    readonly List<string> _zones;
    Process? _process;

    public int Port { get; } = Ports.Free();
    public string Endpoint => $"127.0.0.1:{Port}";

    public DnsServer(string directory, IEnumerable<string> zones)
    {
        _directory = directory;
        _zones = zones.ToList();
    }

    public async Task StartAsync()
    {
        await StopAsync();
        var conf = Path.Combine(_directory, "dnsmasq.conf");
        await File.WriteAllLinesAsync(conf, new[]
        {
            $"port={Port}", "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts", "cache-size=0",
        }.Concat(_zones));
        _process = Processes.Start(Paths.Tool("dnsmasq"), ["--keep-in-foreground", $"--conf-file={conf}", "--user=root", "--pid-file="]);
        await Task.Delay(300);
        if (_process.HasExited)
            throw new InvalidOperationException("dnsmasq did not start: " + await _process.StandardError.ReadToEndAsync());
    }

    /// <summary>Adds zone lines (e.g. txt-record=…) and restarts dnsmasq so they are served.</summary>
    public async Task PublishAsync(IEnumerable<string> lines)
    {
        _zones.AddRange(lines);
        await StartAsync();
    }

    async Task StopAsync()
    {
        if (_process is null)
            return;
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
