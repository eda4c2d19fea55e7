using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The .deb installed and started: <c>dpkg --root</c> installs it into a temporary root (its own
/// /var/lib/dpkg, /etc/passwd and /etc/group) with <c>--force-script-chrootless</c>, so the real maintainer
/// scripts run on this machine with <c>DPKG_ROOT</c> set, without a chroot (which would need a whole system
/// in the root for /bin/sh). The installed program then runs from that root: <c>--version</c>,
/// <c>doctor --json</c> and <c>serve</c> with <c>/healthz</c> 200, on a temporary data directory and
/// loopback ports. Remove and purge keep the data directory. The package is the one test.sh built for
/// this run (<c>OUTPOST_DEB</c>), or one built here by packaging/build-deb.sh (minutes: a self-contained publish).
/// dpkg needs root to own files as root and the user; as another user the test says so and stops.
/// </summary>
[Collection(MailWorldCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class PackageTests(MailWorld world)
{
    [GeneratedRegex(@"^outpost (?<version>\d+\.\d+\.\d+\S*) \(commit [0-9a-f]{12}\)\ncommit [0-9a-f]{40}\n$")]
    private static partial Regex VersionLines();

    [Fact]
    public async Task The_deb_installs_into_a_root_and_its_program_answers_version_doctor_and_healthz()
    {
        if (Environment.UserName != "root")
        {
            Console.WriteLine("Not root: dpkg --root cannot give files to root and the outpost user, so the .deb was not installed.");
            return;
        }
        var directory = Paths.NewTempDirectory("deb");
        var deb = await PackageAsync(directory);
        var root = Path.Combine(directory, "root");
        PrepareRoot(root);

        var installed = await DpkgAsync(root, "-i", deb);
        Assert.True(installed.ExitCode == 0, installed.All);
        var status = await DpkgAsync(root, "-s", "outpost");
        Assert.Contains("Status: install ok installed", status.Output, StringComparison.Ordinal);

        // What postinst made: the system user in the root's own files, the data directory 0750 owned by it, the configuration root:outpost 0640.
        var passwd = File.ReadAllLines(Path.Combine(root, "etc", "passwd")).Select(l => l.Split(':')).Single(f => f[0] == "outpost");
        Assert.True(int.Parse(passwd[2], System.Globalization.CultureInfo.InvariantCulture) is > 0 and < 1000, string.Join(':', passwd));
        Assert.Equal("/usr/sbin/nologin", passwd[6]);
        var data = Path.Combine(root, "var", "lib", "outpost");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(data));
        Assert.Equal(passwd[2], (await Processes.RunAsync("stat", ["-c", "%u", data])).Output.Trim());
        var config = Path.Combine(root, "etc", "outpost", "outpost.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(config));
        Assert.Equal($"0:{passwd[3]}", (await Processes.RunAsync("stat", ["-c", "%u:%g", config])).Output.Trim());
        Assert.True(File.Exists(Path.Combine(root, "lib", "systemd", "system", "outpost.service")));
        var program = Path.Combine(root, "usr", "bin", "outpost");
        Assert.Equal("../lib/outpost/outpost", new FileInfo(program).LinkTarget);

        var version = await Processes.RunAsync(program, ["--version"]);
        Assert.True(version.ExitCode == 0, version.All);
        var match = VersionLines().Match(version.Output.Replace("\r", "", StringComparison.Ordinal));
        Assert.True(match.Success, version.Output);
        var props = await File.ReadAllTextAsync(Path.Combine(Paths.RepoRoot, "Directory.Build.props"));
        Assert.Contains($"<VersionPrefix>{match.Groups["version"].Value}</VersionPrefix>", props, StringComparison.Ordinal);

        // The installed program on a data directory of the test's, as the service would run it (listeners on loopback).
        await using var server = new OutpostServer(Path.Combine(directory, "data"), world.Dns, world.Mx.Port);
        var env = server.Settings;
        var doctor = await Processes.RunAsync(program, ["--data", server.DataDirectory, "doctor", "--json"], env: env, timeout: TimeSpan.FromSeconds(90));
        Assert.True(doctor.ExitCode is 0 or 1, doctor.All);
        var findings = JsonDocument.Parse(doctor.Output).RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("severity").GetString());
        Assert.Equal("ok", findings["database integrity"]);
        Assert.Equal("ok", findings["database schema"]);
        Assert.Equal("ok", findings["listener Http:Listen"]);

        using (var serve = Processes.Start(program, ["--data", server.DataDirectory, "serve"], env))
        {
            var log = new System.Text.StringBuilder();
            serve.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            serve.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            serve.BeginOutputReadLine();
            serve.BeginErrorReadLine();
            try
            {
                await Ports.WaitUntilOpenAsync("127.0.0.1", server.HttpPort, TimeSpan.FromSeconds(60));
                using var http = new HttpClient();
                using var health = await http.GetAsync(new Uri(server.Web, "healthz"));
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.Equal("ok", (await health.Content.ReadAsStringAsync()).Trim());
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                string text;
                lock (log)
                    text = log.ToString();
                throw new InvalidOperationException("The installed outpost serve did not answer:\n" + text, e);
            }
            finally
            {
                await Processes.RunAsync("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await serve.WaitForExitAsync(wait.Token);
            }
            Assert.Equal(0, serve.ExitCode);
        }

        // Remove takes the program and keeps the data; purge takes the configuration and still keeps the data, unless asked.
        await File.WriteAllTextAsync(Path.Combine(data, "queued-mail"), "kept");
        var removed = await DpkgAsync(root, "-r", "outpost");
        Assert.True(removed.ExitCode == 0, removed.All);
        Assert.False(File.Exists(Path.Combine(root, "usr", "lib", "outpost", "outpost")));
        Assert.True(File.Exists(config));
        var purged = await DpkgAsync(root, "--purge", "outpost");
        Assert.True(purged.ExitCode == 0, purged.All);
        Assert.False(File.Exists(config));
        Assert.True(File.Exists(Path.Combine(data, "queued-mail")));
        Assert.Contains("the data directory /var/lib/outpost is kept", purged.All, StringComparison.Ordinal);

        // Asked for, purge deletes the data too.
        Assert.Equal(0, (await DpkgAsync(root, "-i", deb)).ExitCode);
        var asked = await DpkgWithAsync(root, "yes", "--purge", "outpost");
        Assert.True(asked.ExitCode == 0, asked.All);
        Assert.False(Directory.Exists(data));

        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The package of this run: OUTPOST_DEB when test.sh built it, else built now.</summary>
    static async Task<string> PackageAsync(string directory)
    {
        if (Environment.GetEnvironmentVariable("OUTPOST_DEB") is { Length: > 0 } built)
        {
            Assert.True(File.Exists(built), $"OUTPOST_DEB names {built}, which does not exist.");
            return built;
        }
        var started = DateTime.UtcNow;
        var build = await Processes.RunAsync("bash", [Path.Combine(Paths.RepoRoot, "packaging", "build-deb.sh"), Path.Combine(directory, "dist")], timeout: TimeSpan.FromMinutes(20));
        Assert.True(build.ExitCode == 0, build.All);
        Console.WriteLine($"packaging/build-deb.sh took {(DateTime.UtcNow - started).TotalSeconds:0} s");
        return build.Output.Trim().Split('\n')[^1];
    }

    /// <summary>An empty root dpkg and useradd can work in: dpkg's database, and passwd, group and shadow with root alone.</summary>
    static void PrepareRoot(string root)
    {
        foreach (var dir in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc", "usr/sbin" })
            Directory.CreateDirectory(Path.Combine(root, dir));
        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), "");
        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/available"), "");
        File.WriteAllText(Path.Combine(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        File.WriteAllText(Path.Combine(root, "etc/group"), "root:x:0:\n");
        File.WriteAllText(Path.Combine(root, "etc/shadow"), "root:*:20000:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(root, "etc/gshadow"), "root:*::\n");
        File.SetUnixFileMode(Path.Combine(root, "etc/shadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetUnixFileMode(Path.Combine(root, "etc/gshadow"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>dpkg on the temporary root; the package's Depends (libc6, libssl3, …) are this machine's, not the root's.</summary>
    static Task<ProcessResult> DpkgAsync(string root, params string[] args) => DpkgWithAsync(root, "", args);

    /// <summary>dpkg with OUTPOST_PURGE_DATA set to <paramref name="purgeData"/> (empty: not asked), whatever the test's own environment says.</summary>
    static Task<ProcessResult> DpkgWithAsync(string root, string purgeData, params string[] args) =>
        Processes.RunAsync("dpkg", new[] { $"--root={root}", "--force-script-chrootless", "--force-depends", "--log=/dev/null" }.Concat(args),
            env: new Dictionary<string, string> { ["OUTPOST_PURGE_DATA"] = purgeData }, timeout: TimeSpan.FromMinutes(3));
}
