using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// The scripted remote MX (peers/mx.py on aiosmtpd, Debian's python3) listening on its own loopback
/// address, with STARTTLS from a throw-away certificate. Behaviour by recipient: see mx.py.
/// </summary>
public sealed class RemoteMx : IAsyncDisposable
{
    readonly Process _process;

    public string Address { get; }
    public int Port { get; }
    public string Outbox { get; }

    RemoteMx(Process process, string address, int port, string outbox)
    {
        _process = process;
        Address = address;
        Port = port;
        Outbox = outbox;
    }

    public static async Task<RemoteMx> StartAsync(string directory, string address, int port, params string[] options)
    {
        var outbox = Path.Combine(directory, "mx-" + address);
        Directory.CreateDirectory(outbox);
        var cert = Path.Combine(directory, "mx-cert.pem");
        var key = Path.Combine(directory, "mx-key.pem");
        if (!File.Exists(cert))
        {
            var made = await Processes.RunAsync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mx.remote.test",
                "-keyout", key, "-out", cert, "-days", "2"]);
            Assert.True(made.ExitCode == 0, made.All);
        }
        var process = Processes.Start("/usr/bin/python3", [Paths.Peer("mx.py"), "--listen", $"{address}:{port}", "--out", outbox, "--cert", cert, "--key", key, .. options]);
        var mx = new RemoteMx(process, address, port, outbox);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "ready")
            throw new InvalidOperationException("The test MX did not start: " + await process.StandardError.ReadToEndAsync());
        return mx;
    }

    public IReadOnlyList<ReceivedMessage> Messages() =>
        Directory.GetFiles(Outbox, "*.eml").Order().Select(ReceivedMessage.Load).ToList();

    public IReadOnlyList<ReceivedMessage> MessagesTo(string recipient) =>
        Messages().Where(m => m.Recipients.Any(r => r.Equals(recipient, StringComparison.OrdinalIgnoreCase))).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
