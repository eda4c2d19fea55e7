using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// A private PostgreSQL cluster for tests, with Debian's server binaries (/usr/lib/postgresql/*/bin):
/// <c>initdb</c> into a temporary directory, a free port on 127.0.0.1 (no Unix socket outside that
/// directory), a password login, run as an unprivileged user (initdb and pg_ctl refuse root: as root the
/// cluster runs as <c>outpost-test</c>, which ./test.sh creates, or else <c>nobody</c>), stopped and removed
/// on <see cref="Dispose"/>. A cluster left behind by a test run that was killed is stopped and removed by
/// the next one. Starting throws with the reason (and the server's log) when PostgreSQL cannot be started:
/// tests that need it fail, they are never skipped. Free of xunit, so the scenarios can use it too.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    const string Prefix = "outpost-pg-";
    const string Superuser = "outpost";
    static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(120);

    readonly string _bin;
    readonly string? _runAs;
    readonly string _password;

    PostgresCluster(string bin, string? runAs, string directory, int port, string password)
    {
        _bin = bin;
        _runAs = runAs;
        Directory = directory;
        Port = port;
        _password = password;
    }

    /// <summary>The cluster's directory: data/, the server's log, the password file.</summary>
    public string Directory { get; }

    public int Port { get; }

    string Data => Path.Combine(Directory, "data");

    string LogFile => Path.Combine(Directory, "server.log");

    /// <summary>A connection string for <paramref name="database"/> as the cluster's superuser.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = _password,
        Database = database,
        Timeout = 10,
    }.ConnectionString;

    /// <summary>Makes, configures and starts a cluster; fast and not crash-safe (fsync off), which tests do not need.</summary>
    public static PostgresCluster Start()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The test PostgreSQL runs on Linux, with Debian's postgresql package.");
        var bin = FindBinaries();
        var runAs = Environment.UserName == "root" || GetEuid() == 0 ? (UserExists("outpost-test") ? "outpost-test" : "nobody") : null;
        SweepAbandoned(bin, runAs);

        var directory = Path.Combine(Path.GetTempPath(), Prefix + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(directory, "password");
        File.WriteAllText(passwordFile, password + "\n");
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            if (runAs is not null)
                Run("chown", ["-R", runAs, directory], null, directory);
            Run(Path.Combine(bin, "initdb"), ["-D", Path.Combine(directory, "data"), "-U", Superuser, "--pwfile=" + passwordFile, "-A", "scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"], runAs, directory);
            File.Delete(passwordFile);

            // A port taken between our look and the server's bind makes the start fail; another port is tried.
            for (var tryNumber = 1; ; tryNumber++)
            {
                var port = FreePort();
                var cluster = new PostgresCluster(bin, runAs, directory, port, password);
                cluster.Configure();
                try
                {
                    Run(Path.Combine(bin, "pg_ctl"), ["-D", cluster.Data, "-l", cluster.LogFile, "-w", "-t", "60", "start"], runAs, directory);
                    return cluster;
                }
                catch (InvalidOperationException) when (tryNumber < 3)
                {
                }
            }
        }
        catch (Exception e)
        {
            var log = Path.Combine(directory, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadAllLines(log).TakeLast(20)) : "(no server log)";
            TryDelete(directory);
            throw new InvalidOperationException($"The test PostgreSQL could not be started in {directory}: {e.Message}\nServer log:\n{tail}", e);
        }
    }

    /// <summary>Loopback only, a socket directory of its own, small and fast: settings for a test cluster.</summary>
    void Configure()
    {
        var conf = Path.Combine(Data, "postgresql.conf");
        var settings = File.ReadAllText(conf).Split("\n# outpost-test\n")[0];
        File.WriteAllText(conf, settings + "\n# outpost-test\n" + string.Join('\n',
            "listen_addresses = '127.0.0.1'",
            $"port = {Port.ToString(CultureInfo.InvariantCulture)}",
            $"unix_socket_directories = '{Directory}'",
            "max_connections = 100",
            "shared_buffers = 32MB",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "log_min_messages = warning",
            "") );
    }

    /// <summary>
    /// Stops the server as an operator's restart does (fast: sessions are ended, every commit is kept), leaving
    /// its data in place for <see cref="StartAgain"/>.
    /// </summary>
    public void Stop() => Run(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "fast", "-w", "-t", "60", "stop"], _runAs, Directory);

    /// <summary>Starts the stopped server again, on the same port with the same data.</summary>
    public void StartAgain() => Run(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-l", LogFile, "-w", "-t", "60", "start"], _runAs, Directory);

    /// <summary>Makes an empty database and returns its name.</summary>
    public string CreateDatabase()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        Admin($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>Drops a database, ending the sessions still on it.</summary>
    public void DropDatabase(string name) => Admin($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    /// <summary>A statement as the superuser on the maintenance database (names made here only, never input).</summary>
    public void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "-t", "30", "stop"], _runAs, Directory);
        }
        catch (InvalidOperationException)
        {
            // Already down; the directory goes all the same.
        }
        TryDelete(Directory);
    }

    /// <summary>The newest server installed, e.g. /usr/lib/postgresql/15/bin.</summary>
    static string FindBinaries()
    {
        var candidates = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")) && File.Exists(Path.Combine(c.Dir, "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Dir
            : throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); ./test.sh installs Debian's postgresql package.");
    }

    /// <summary>Clusters of test runs that were killed (their owner process is gone): stopped, removed.</summary>
    static void SweepAbandoned(string bin, string? runAs)
    {
        foreach (var dir in System.IO.Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.Combine(dir, "owner.pid");
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner).Trim(), CultureInfo.InvariantCulture, out var pid)
                || System.IO.Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}"))
                continue;
            if (File.Exists(Path.Combine(dir, "data", "postmaster.pid")))
            {
                try
                {
                    Run(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "-t", "30", "stop"], runAs, dir);
                }
                catch (InvalidOperationException)
                {
                }
            }
            TryDelete(dir);
        }
    }

    static void Run(string program, string[] args, string? runAs, string workingDirectory)
    {
        var info = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The test's own directory may not be readable by the cluster's user.
            WorkingDirectory = workingDirectory,
        };
        if (runAs is not null)
            foreach (var a in new[] { "-u", runAs, "--", program })
                info.ArgumentList.Add(a);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["LC_ALL"] = "C";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} could not be started.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish within {StepTimeout.TotalSeconds} s.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Result.Trim()} {output.Result.Trim()}");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static bool UserExists(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    static uint GetEuid() => uint.TryParse(
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2],
        CultureInfo.InvariantCulture, out var uid) ? uid : uint.MaxValue;

    static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
