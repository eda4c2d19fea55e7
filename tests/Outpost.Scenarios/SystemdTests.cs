using System.Net.Sockets;
using System.Text;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Service integration without systemd itself: the shipped unit passes <c>systemd-analyze verify</c> (where
/// the tool exists), and <c>outpost serve</c> speaks the notify protocol to a real unix datagram socket
/// given as <c>NOTIFY_SOCKET</c> — <c>READY=1</c> once it listens, <c>STOPPING=1</c> on SIGTERM — and then
/// exits 0.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class SystemdTests(MailWorld world)
{
    [Fact]
    public async Task The_shipped_unit_passes_systemd_analyze_verify()
    {
        var analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        if (analyze is null)
        {
            Console.WriteLine("systemd-analyze is not installed: the unit file was not verified.");
            return;
        }
        var unit = await File.ReadAllTextAsync(Path.Combine(Paths.RepoRoot, "packaging", "outpost.service"));
        Assert.Contains("Type=notify", unit);
        Assert.Contains("ProtectSystem=strict", unit);
        Assert.Contains("ReadWritePaths=/var/lib/outpost", unit);
        // The program is not installed here: verify checks that ExecStart is an executable, so point it at one.
        Assert.Contains("ExecStart=/usr/bin/outpost ", unit);
        var directory = Paths.NewTempDirectory("unit");
        var copy = Path.Combine(directory, "outpost.service");
        await File.WriteAllTextAsync(copy, unit.Replace("ExecStart=/usr/bin/outpost ", "ExecStart=/bin/true "));
        var result = await Processes.RunAsync(analyze, ["verify", copy]);
        Assert.True(result.ExitCode == 0 && result.All.Trim().Length == 0, $"systemd-analyze verify: {result.All}");
    }

    [Fact]
    public async Task Serve_says_ready_once_it_listens_and_stopping_on_sigterm_then_exits_cleanly()
    {
        var directory = Paths.NewTempDirectory("notify");
        var socketPath = Path.Combine(directory, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var server = new OutpostServer(Path.Combine(directory, "data"), world.Dns, world.Mx.Port, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath });
        await using var _ = server;

        await server.StartAsync();
        var ready = await ReceiveAsync(socket, TimeSpan.FromSeconds(30));
        Assert.Contains("READY=1", ready.Split('\n'));
        // Ready means listening: the submission port answers.
        using (var smtp = new TcpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", server.SubmissionPort);
            var greeting = new byte[512];
            var n = await smtp.GetStream().ReadAsync(greeting);
            Assert.StartsWith("220", Encoding.ASCII.GetString(greeting, 0, n));
        }

        var stopped = server.TerminateAsync(TimeSpan.FromSeconds(60));
        var stopping = await ReceiveAsync(socket, TimeSpan.FromSeconds(30));
        Assert.Contains("STOPPING=1", stopping.Split('\n'));
        Assert.Equal(0, await stopped);
        Assert.DoesNotContain("Unhandled exception", server.Log);
    }

    static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cancel = new CancellationTokenSource(timeout);
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
