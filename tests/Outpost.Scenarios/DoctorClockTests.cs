using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// <c>outpost doctor</c>'s clock check against a real NTP responder on loopback (peers/ntp.py) whose clock is
/// shifted: 45 s is a problem that names the skew; a first server that does not answer is passed over for
/// the next, whose 5 s is a warning.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed partial class DoctorClockTests(MailWorld world)
{
    [GeneratedRegex(@"^The local clock is (?<seconds>\d+\.\d) s (?<side>ahead of|behind) 127\.0\.0\.1:(?<port>\d+);")]
    private static partial Regex Skew();

    [Fact]
    public async Task The_doctor_names_the_clocks_skew_against_a_time_server()
    {
        await using var late = await NtpResponder.StartAsync(shift: 45);
        await using var early = await NtpResponder.StartAsync(shift: -5);
        var directory = Paths.NewTempDirectory("doctor-clock");
        var silent = Ports.Free(); // a TCP port just freed: no UDP server there either, so the query is refused

        var problem = Clock(await DoctorAsync(directory, $"127.0.0.1:{late.Port}"));
        Assert.Equal("problem", problem.GetProperty("severity").GetString());
        var match = Skew().Match(problem.GetProperty("sentence").GetString()!);
        Assert.True(match.Success, problem.ToString());
        Assert.Equal("behind", match.Groups["side"].Value);   // the server is 45 s ahead of us
        Assert.InRange(double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture), 44, 46);
        Assert.Contains("DKIM", problem.GetProperty("sentence").GetString(), StringComparison.Ordinal);

        var warning = Clock(await DoctorAsync(directory, $"127.0.0.1:{silent}", $"127.0.0.1:{early.Port}"));
        Assert.Equal("warning", warning.GetProperty("severity").GetString());
        match = Skew().Match(warning.GetProperty("sentence").GetString()!);
        Assert.True(match.Success, warning.ToString());
        Assert.Equal("ahead of", match.Groups["side"].Value);
        Assert.Equal(early.Port.ToString(CultureInfo.InvariantCulture), match.Groups["port"].Value);
        Assert.InRange(double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture), 4, 6);

        // Nothing configured: the doctor says so and how to turn the check on, and sends nothing.
        var unchecked_ = Clock(await DoctorAsync(directory));
        Assert.Equal("ok", unchecked_.GetProperty("severity").GetString());
        Assert.Contains("unchecked", unchecked_.GetProperty("sentence").GetString(), StringComparison.Ordinal);
        Assert.Contains("Doctor:TimeServers", unchecked_.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    static JsonElement Clock(JsonElement findings) =>
        findings.EnumerateArray().Single(f => f.GetProperty("check").GetString() == "clock");

    async Task<JsonElement> DoctorAsync(string directory, params string[] servers)
    {
        var settings = new Dictionary<string, string> { ["OUTPOST__Doctor__TimeServerTimeout"] = "00:00:02" };
        for (var i = 0; i < servers.Length; i++)
            settings[$"OUTPOST__Doctor__TimeServers__{i}"] = servers[i];
        await using var server = new OutpostServer(Path.Combine(directory, "data"), world.Dns, world.Mx.Port, settings);
        var result = await server.CliAsync("doctor", "--json");
        Assert.True(result.ExitCode is 0 or 1, result.All);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }
}
