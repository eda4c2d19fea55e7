namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// The hostile MX (peers/hostile_mx.py, an asyncio server on Debian's python3) listening on its own
/// loopback address with one misbehaviour, picked by <c>--behaviour</c>; see the script for the list.
/// Messages it takes are stored like the scripted MX's, so <see cref="ReceivedMessage"/> reads them.
/// </summary>
public sealed class HostileMx : IAsyncDisposable
{
    readonly System.Diagnostics.Process _process;

    public string Outbox { get; }

    HostileMx(System.Diagnostics.Process process, string outbox)
    {
        _process = process;
        Outbox = outbox;
    }

    public static async Task<HostileMx> StartAsync(string directory, string address, int port, string behaviour, double delay = 5)
    {
        var outbox = Path.Combine(directory, $"hostile-{behaviour}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(outbox);
        var process = Processes.Start("/usr/bin/python3", [Paths.Peer("hostile_mx.py"), "--listen", $"{address}:{port}", "--out", outbox,
            "--behaviour", behaviour, "--delay", delay.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lifetime", "60"]);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != "ready")
            throw new InvalidOperationException("The hostile MX did not start: " + await process.StandardError.ReadToEndAsync());
        return new HostileMx(process, outbox);
    }

    public IReadOnlyList<ReceivedMessage> MessagesTo(string recipient) =>
        Directory.GetFiles(Outbox, "*.eml").Order().Select(ReceivedMessage.Load)
            .Where(m => m.Recipients.Any(r => r.Equals(recipient, StringComparison.OrdinalIgnoreCase))).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
