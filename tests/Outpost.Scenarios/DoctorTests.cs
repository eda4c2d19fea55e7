using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// <c>outpost doctor</c> against real parts: dnsmasq with a wrong PTR for one source address and a right one
/// (resolving back) for a channel's, an SPF include that lists only one of them, a port another program holds,
/// and the SQLite file's integrity check.
/// </summary>
public sealed class DoctorTests : IAsyncLifetime
{
    readonly string _directory = Paths.NewTempDirectory("doctor");
    DnsServer _dns = null!;

    public async Task InitializeAsync()
    {
        _dns = new DnsServer(_directory,
        [
            "local=/test/",
            "ptr-record=2.0.0.127.in-addr.arpa,wrong.test",
            "ptr-record=3.0.0.127.in-addr.arpa,mail.outpost.test",
            "address=/mail.outpost.test/127.0.0.3",
            MailWorld.TxtRecord("_spf.outpost.test", ["v=spf1 ip4:127.0.0.3 -all"]),
        ]);
        await _dns.StartAsync();
    }

    static JsonElement Finding(JsonElement findings, string check) =>
        findings.EnumerateArray().Single(f => f.GetProperty("check").GetString() == check);

    [Fact]
    public async Task The_doctor_names_a_wrong_ptr_an_spf_include_missing_an_address_and_a_taken_port()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var env = new Dictionary<string, string>
        {
            ["OUTPOST__Hostname"] = "outpost.test",
            ["OUTPOST__Dns__Servers__0"] = _dns.Endpoint,
            ["OUTPOST__Sending__SpfInclude"] = "_spf.outpost.test",
            ["OUTPOST__Sending__Addresses__0"] = "127.0.0.2",
            ["OUTPOST__Sending__Addresses__1"] = "127.0.0.3",
            ["OUTPOST__Smtp__Submission"] = $"127.0.0.1:{Ports.Free()}",
            ["OUTPOST__Smtp__SubmissionTls"] = $"127.0.0.1:{Ports.Free()}",
            ["OUTPOST__Smtp__Relay"] = $"127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}",
            ["OUTPOST__Http__Listen"] = $"127.0.0.1:{Ports.Free()}",
        };
        var data = Path.Combine(_directory, "data");
        Task<ProcessResult> Cli(params string[] args) =>
            Processes.RunAsync("dotnet", new[] { Paths.OutpostDll, "--data", data }.Concat(args), env: env, timeout: TimeSpan.FromSeconds(90));
        var added = await Cli("channel", "add", "egress3", "--bind", "127.0.0.3", "--helo", "mail.outpost.test");
        Assert.True(added.ExitCode == 0, added.All);

        var result = await Cli("doctor", "--json");
        Assert.True(result.ExitCode == 1, result.All);   // problems found
        var findings = JsonDocument.Parse(result.Output).RootElement;

        var wrong = Finding(findings, "reverse DNS 127.0.0.2");
        Assert.Equal("problem", wrong.GetProperty("severity").GetString());
        Assert.Equal("The reverse DNS of 127.0.0.2 (sending address 127.0.0.2) is wrong.test, not its HELO name outpost.test.", wrong.GetProperty("sentence").GetString());
        Assert.Contains("Set the PTR record of 127.0.0.2 to outpost.test", wrong.GetProperty("fix").GetString(), StringComparison.Ordinal);
        var right = Finding(findings, "reverse DNS 127.0.0.3");
        Assert.Equal("ok", right.GetProperty("severity").GetString());
        Assert.Contains("channel egress3", right.GetProperty("sentence").GetString(), StringComparison.Ordinal);

        var spf = Finding(findings, "spf include");
        Assert.Equal("problem", spf.GetProperty("severity").GetString());
        Assert.StartsWith("The SPF record at _spf.outpost.test does not list 127.0.0.2;", spf.GetProperty("sentence").GetString(), StringComparison.Ordinal);
        Assert.Equal("Add ip4:127.0.0.2 to the TXT record at _spf.outpost.test.", spf.GetProperty("fix").GetString());

        Assert.Equal("problem", Finding(findings, "listener Smtp:Relay").GetProperty("severity").GetString());
        Assert.Contains("taken by another program", Finding(findings, "listener Smtp:Relay").GetProperty("sentence").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", Finding(findings, "listener Smtp:Submission").GetProperty("severity").GetString());
        Assert.Equal("ok", Finding(findings, "resolvers").GetProperty("severity").GetString());
        Assert.Equal("ok", Finding(findings, "database integrity").GetProperty("severity").GetString());
        Assert.Equal("ok", Finding(findings, "database schema").GetProperty("severity").GetString());
        Assert.Equal("ok", Finding(findings, "free space").GetProperty("severity").GetString());
        Assert.Contains("unchecked", Finding(findings, "clock").GetProperty("sentence").GetString(), StringComparison.Ordinal);

        // The same findings for people: a table, no stack trace.
        var table = await Cli("doctor");
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("wrong.test", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", table.Error, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _dns.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
