namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// The world the scenarios run in, all on loopback: dnsmasq serving the test zones, a scripted remote
/// MX on 127.0.0.10, and one Outpost server hosting example.com with a few mailboxes.
/// </summary>
public sealed class MailWorld : IAsyncLifetime
{
    public const string Password = "correct-horse-1";

    /// <summary>The zones: remote.test's MX is the test MX; backup.test's first MX is dead; nullmx.test has a null MX.</summary>
    public static readonly string[] Zones =
    [
        "mx-host=remote.test,mx.remote.test,10",
        "address=/mx.remote.test/127.0.0.10",
        "mx-host=backup.test,dead.backup.test,5",
        "mx-host=backup.test,mx.remote.test,10",
        "address=/dead.backup.test/127.0.0.11",
        "mx-host=nullmx.test,.,0",
        "address=/nosuch.test/",
    ];

    public string Directory { get; } = Paths.NewTempDirectory("world");
    public DnsServer Dns { get; private set; } = null!;
    public RemoteMx Mx { get; private set; } = null!;
    public OutpostServer Outpost { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync(Directory, Zones);
        Mx = await RemoteMx.StartAsync(Directory, "127.0.0.10", Ports.Free("127.0.0.10"));
        Outpost = await StartOutpostAsync("outpost");
    }

    /// <summary>A fresh Outpost server (own data, own ports) in this world, with example.com and its mailboxes.</summary>
    public async Task<OutpostServer> StartOutpostAsync(string name)
    {
        var server = new OutpostServer(Path.Combine(Directory, name), Dns, Mx.Port);
        await Seed(server);
        await server.StartAsync();
        return server;
    }

    static async Task Seed(OutpostServer server)
    {
        await Ok(server.CliAsync("domain", "add", "example.com", "--plan", "paid"));
        await Ok(server.CliWithInputAsync(Password + "\n", "mailbox", "add", "alice@example.com"));
        await Ok(server.CliWithInputAsync(Password + "\n", "mailbox", "add", "bob@example.com"));
        await Ok(server.CliWithInputAsync(Password + "\n", "mailbox", "add", "admin@example.com", "--admin"));
    }

    static async Task Ok(Task<ProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.All);
    }

    public async Task DisposeAsync()
    {
        await Outpost.DisposeAsync();
        await Mx.DisposeAsync();
        await Dns.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
