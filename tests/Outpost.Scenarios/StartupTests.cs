using System.Net;
using System.Net.Sockets;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The real program refusing bad configuration before anything starts: every problem one line naming the key,
/// the value and what is allowed, exit code 78, nothing created; the placeholders refused in Production; and
/// no command printing a stack trace (usage errors exit 2, failures 1).
/// </summary>
public sealed class StartupTests : IDisposable
{
    readonly string _data = Path.Combine(Paths.NewTempDirectory("startup"), "data");

    Task<ProcessResult> RunAsync(Dictionary<string, string> env, params string[] args) =>
        Processes.RunAsync("dotnet", new[] { Paths.OutpostDll, "--data", _data }.Concat(args), env: env, timeout: TimeSpan.FromSeconds(60));

    static Dictionary<string, string> Ports3() => new()
    {
        ["OUTPOST__Smtp__Submission"] = $"127.0.0.1:{Ports.Free()}",
        ["OUTPOST__Smtp__SubmissionTls"] = $"127.0.0.1:{Ports.Free()}",
        ["OUTPOST__Smtp__Relay"] = $"127.0.0.1:{Ports.Free()}",
        ["OUTPOST__Http__Listen"] = $"127.0.0.1:{Ports.Free()}",
    };

    static void NoStackTrace(ProcessResult result)
    {
        // The log (stdout) may carry an exception; what a person reads on stderr never does.
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_values_and_unknown_keys_refuse_serve_with_one_line_each_and_exit_78()
    {
        var env = Ports3();
        env["OUTPOST__Delivery__MaxConnections"] = "0";
        env["OUTPOST__Smtp__Submision"] = "0.0.0.0:587";
        env["OUTPOST__Sending__Addresses__0"] = "192.0.2.300";
        env["OUTPOST__Dns__Timeout"] = "5 seconds";
        var result = await RunAsync(env, "serve");
        Assert.Equal(78, result.ExitCode);
        NoStackTrace(result);
        var lines = result.Error.Trim().Split('\n').Select(l => l.Trim()).ToList();
        // The unknown key and the unconvertible value come first (nothing can be bound around them), all in one go.
        Assert.Contains("Smtp:Submision (variable OUTPOST__Smtp__Submision) = '0.0.0.0:587' is not a setting Outpost knows; did you mean Smtp:Submission?", lines);
        Assert.Contains("Dns:Timeout (variable OUTPOST__Dns__Timeout) = '5 seconds' is not a period like 00:05:00 (hh:mm:ss) or 1.00:00:00 (d.hh:mm:ss).", lines);
        Assert.False(Directory.Exists(_data), "a refused start must not create the data directory");

        env.Remove("OUTPOST__Smtp__Submision");
        env.Remove("OUTPOST__Dns__Timeout");
        result = await RunAsync(env, "serve");
        Assert.Equal(78, result.ExitCode);
        lines = result.Error.Trim().Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains("Delivery:MaxConnections is 0; it must be between 1 and 10000.", lines);
        Assert.Contains(lines, l => l.StartsWith("Sending:Addresses:0 is '192.0.2.300'; it must be an IPv4 or IPv6 address", StringComparison.Ordinal));
        // A management command refuses the same configuration the same way.
        var command = await RunAsync(env, "domain", "list");
        Assert.Equal(78, command.ExitCode);
        Assert.Equal(result.Error, command.Error);
        Assert.False(Directory.Exists(_data));
    }

    [Fact]
    public async Task An_unknown_key_in_the_configuration_file_is_named_with_the_file()
    {
        var file = Path.Combine(Path.GetDirectoryName(_data)!, "outpost.json");
        await File.WriteAllTextAsync(file, """{ "Delivery": { "MaxConections": 5 } }""");
        var result = await RunAsync(Ports3(), "--config", file, "serve");
        Assert.Equal(78, result.ExitCode);
        Assert.Equal($"Delivery:MaxConections (in {file}) = '5' is not a setting Outpost knows; did you mean Delivery:MaxConnections?", result.Error.Trim());
    }

    [Fact]
    public async Task Production_refuses_the_placeholders_that_development_only_warns_about()
    {
        var env = Ports3();
        env["OUTPOST__Smtp__Submission"] = $"0.0.0.0:{Ports.Free()}";
        var result = await RunAsync(env, "--environment", "Production", "serve");
        Assert.Equal(78, result.ExitCode);
        NoStackTrace(result);
        var lines = result.Error.Trim().Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("Hostname is 'localhost', a placeholder", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Sending:SpfInclude is '_spf.outpost.example', the example", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("Tls:CertificatePath is empty, so Smtp:Submission", lines[2], StringComparison.Ordinal);

        env["OUTPOST_ENVIRONMENT"] = "Production";
        Assert.Equal(78, (await RunAsync(env, "serve")).ExitCode);
        // The command line wins over the variable: in Development it starts (on loopback only), with warnings.
        env["OUTPOST__Smtp__Submission"] = $"127.0.0.1:{Ports.Free()}";
        using var server = Processes.Start("dotnet", [Paths.OutpostDll, "--data", _data, "--environment", "Development", "serve"], env);
        var log = new System.Text.StringBuilder();
        server.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        server.BeginOutputReadLine();
        await Ports.WaitUntilOpenAsync("127.0.0.1", int.Parse(env["OUTPOST__Http__Listen"].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(60));
        await Eventually.GetAsync<object>(() => { lock (log) return log.ToString().Contains("Hostname is 'localhost', a placeholder", StringComparison.Ordinal) ? log : null; }, "the placeholder warning");
        server.Kill();
        await server.WaitForExitAsync();
    }

    [Fact]
    public async Task Usage_errors_exit_2_and_failures_exit_1_with_a_sentence()
    {
        var usage = await RunAsync(Ports3(), "domian", "list");
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("Unrecognized command or argument 'domian'.", usage.Error, StringComparison.Ordinal);
        NoStackTrace(usage);

        // A port another program holds: the start fails with one sentence, the exception only with --verbose.
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var env = Ports3();
        env["OUTPOST__Smtp__Relay"] = $"127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}";
        var failed = await RunAsync(env, "serve");
        Assert.Equal(1, failed.ExitCode);
        NoStackTrace(failed);
        Assert.StartsWith("outpost failed: ", failed.Error.Trim().Split('\n')[^1], StringComparison.Ordinal);
        var verbose = await RunAsync(env, "--verbose", "serve");
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
