using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// The real `outpost` program, run as its own process on loopback ports, configured through
/// OUTPOST__ variables the way an operator would, and managed through its own CLI.
/// </summary>
public sealed class OutpostServer : IAsyncDisposable
{
    readonly Dictionary<string, string> _env;
    readonly StringBuilder _log = new();
    Process? _process;

    public string DataDirectory { get; }
    public int SubmissionPort { get; }
    public int TlsPort { get; }
    public int RelayPort { get; }
    public int HttpPort { get; }
    public Uri Api => new($"{Web}api/v1/");

    /// <summary>The admin pages: https when the server was started with Http:Tls.</summary>
    public Uri Web => new($"{(_env.TryGetValue("OUTPOST__Http__Tls", out var tls) && tls == "true" ? "https" : "http")}://127.0.0.1:{HttpPort}/");

    public OutpostServer(string dataDirectory, DnsServer dns, int mxPort, IDictionary<string, string>? extra = null)
    {
        DataDirectory = dataDirectory;
        SubmissionPort = Ports.Free();
        TlsPort = Ports.Free();
        RelayPort = Ports.Free();
        HttpPort = Ports.Free();
        _env = new Dictionary<string, string>
        {
            ["OUTPOST__Hostname"] = "outpost.test",
            ["OUTPOST__Smtp__Submission"] = $"127.0.0.1:{SubmissionPort}",
            ["OUTPOST__Smtp__SubmissionTls"] = $"127.0.0.1:{TlsPort}",
            ["OUTPOST__Smtp__Relay"] = $"127.0.0.1:{RelayPort}",
            ["OUTPOST__Http__Listen"] = $"127.0.0.1:{HttpPort}",
            ["OUTPOST__Dns__Servers__0"] = dns.Endpoint,
            ["OUTPOST__Delivery__MxPort"] = mxPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OUTPOST__Delivery__RetrySchedule__0"] = "00:00:01",
            ["OUTPOST__Delivery__RetryJitter"] = "0",
            ["OUTPOST__Delivery__PollInterval"] = "00:00:00.200",
            ["OUTPOST__Delivery__ConnectTimeout"] = "00:00:05",
            ["OUTPOST__TrustedNetworks__0__Cidr"] = "127.0.0.5/32",
            ["OUTPOST__TrustedNetworks__0__Domain"] = "example.com",
            ["OUTPOST__Sending__SpfInclude"] = "_spf.outpost.test",
            ["OUTPOST__Sending__Addresses__0"] = "127.0.0.1",
        };
        if (extra is not null)
            foreach (var (k, v) in extra)
                _env[k] = v;
    }

    /// <summary>A copy of the OUTPOST__ variables it runs with, for running another build of the program the same way (the packaging test).</summary>
    public IDictionary<string, string> Settings => new Dictionary<string, string>(_env);

    /// <summary>The server's process id while it runs (for its memory in /proc).</summary>
    public int? ProcessId => _process?.Id;

    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public async Task StartAsync()
    {
        _process = Processes.Start("dotnet", [Paths.OutpostDll, "--data", DataDirectory, "serve"], _env);
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await Ports.WaitUntilOpenAsync("127.0.0.1", RelayPort, TimeSpan.FromSeconds(60));
            await Ports.WaitUntilOpenAsync("127.0.0.1", HttpPort, TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException("outpost serve did not start:\n" + Log, ex);
        }
    }

    /// <summary>SIGKILL: no chance to clean up, as in a crash or power cut.</summary>
    public void Kill()
    {
        _process?.Kill();
        _process?.WaitForExit();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM, as systemd stops a service; the exit code once the process has ended (within <paramref name="timeout"/>).</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException("The server is not running.");
        var kill = await Processes.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(kill.ExitCode == 0, kill.All);
        using var wait = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(wait.Token);
        var code = process.ExitCode;
        process.Dispose();
        _process = null;
        return code;
    }

    public Task<ProcessResult> CliAsync(params string[] args) => CliWithInputAsync(null, args);

    public Task<ProcessResult> CliWithInputAsync(string? stdin, params string[] args) =>
        Processes.RunAsync("dotnet", new[] { Paths.OutpostDll, "--data", DataDirectory }.Concat(args), stdin, _env);

    public async Task<JsonElement> CliJsonAsync(params string[] args)
    {
        var result = await CliAsync(args.Append("--json").ToArray());
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    /// <summary>The status report of a message, once every recipient has one of the wanted states.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string id, params string[] finalStates)
    {
        var found = await Eventually.GetAsync<object>(async () =>
        {
            var report = await CliJsonAsync("status", id);
            var states = report.GetProperty("recipients").EnumerateArray().Select(r => r.GetProperty("status").GetString()).ToList();
            return states.All(s => finalStates.Contains(s)) ? report : null;
        }, $"message {id} to reach {string.Join("/", finalStates)}");
        return (JsonElement)found;
    }

    public string MaildirNew(string address)
    {
        var at = address.IndexOf('@');
        return Path.Combine(DataDirectory, "mailboxes", address[(at + 1)..], address[..at], "Maildir", "new");
    }

    public IReadOnlyList<string> MailboxFiles(string address) =>
        Directory.Exists(MaildirNew(address)) ? Directory.GetFiles(MaildirNew(address)).Order().ToList() : [];

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}
