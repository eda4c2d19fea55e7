using System.Diagnostics;
using System.Globalization;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>peers/ntp.py on 127.0.0.1, answering with its clock shifted by a number of seconds.</summary>
public sealed class NtpResponder : IAsyncDisposable
{
    readonly Process _process;

    public int Port { get; }

    NtpResponder(Process process, int port) => (_process, Port) = (process, port);

    public static async Task<NtpResponder> StartAsync(double shift)
    {
        var process = Processes.Start("/usr/bin/python3", [Paths.Peer("ntp.py"), "--listen", "127.0.0.1", "--shift", shift.ToString(CultureInfo.InvariantCulture)]);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready is null || !ready.StartsWith("ready ", StringComparison.Ordinal))
            throw new InvalidOperationException("The NTP responder did not start: " + await process.StandardError.ReadToEndAsync());
        return new NtpResponder(process, int.Parse(ready[6..], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
