using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>The HTTPS server for MTA-STS policies (peers/mtasts.py) on 127.0.0.1: a policy per host name, written by the test.</summary>
public sealed class PolicyServer : IAsyncDisposable
{
    readonly Process _process;

    public int Port { get; }
    public string Directory { get; }

    PolicyServer(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public static async Task<PolicyServer> StartAsync(string directory, string cert, string key)
    {
        System.IO.Directory.CreateDirectory(directory);
        var port = Ports.Free();
        var process = Processes.Start("/usr/bin/python3", [Paths.Peer("mtasts.py"), "--listen", $"127.0.0.1:{port}", "--dir", directory, "--cert", cert, "--key", key]);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "ready")
            throw new InvalidOperationException("The MTA-STS policy server did not start: " + await process.StandardError.ReadToEndAsync());
        return new PolicyServer(process, port, directory);
    }

    /// <summary>Serves <paramref name="policy"/> as the MTA-STS policy of <paramref name="domain"/>.</summary>
    public void Publish(string domain, string policy) => File.WriteAllText(Path.Combine(Directory, $"mta-sts.{domain}.txt"), policy);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
