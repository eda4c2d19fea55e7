namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// The world the scenarios run in, all on loopback: dnsmasq serving the test zones, a scripted remote
/// MX on 127.0.0.10, and one Outpost server hosting example.com with a few mailboxes and its sending
/// DNS records published.
/// </summary>
public sealed class MailWorld : IAsyncLifetime
{
    public const string Password = "correct-horse-1";

    /// <summary>
    /// The zones: remote.test's MX is the test MX; seven.test's MX (127.0.0.14, started by the test that
    /// needs it) takes 7-bit mail only; hangup.test's (127.0.0.15, likewise) closes every connection a
    /// moment after each message; backup.test's first MX is dead; nullmx.test has a null
    /// MX; nosuch.test does not exist; _spf.outpost.test is the service's SPF record, which authorises
    /// the loopback addresses Outpost sends from. dnsmasq answers .test from these lines alone, so a
    /// name it does not know does not exist (NXDOMAIN), as with a real authoritative server.
    /// </summary>
    public static readonly string[] Zones =
    [
        "local=/test/",
        "mx-host=remote.test,mx.remote.test,10",
        "address=/mx.remote.test/127.0.0.10",
        "mx-host=backup.test,dead.backup.test,5",
        "mx-host=backup.test,mx.remote.test,10",
        "address=/dead.backup.test/127.0.0.11",
        "mx-host=seven.test,mx.seven.test,10",
        "address=/mx.seven.test/127.0.0.14",
        "mx-host=hangup.test,mx.hangup.test,10",
        "address=/mx.hangup.test/127.0.0.15",
        "mx-host=nullmx.test,.,0",
        "address=/nosuch.test/",
        TxtRecord("_spf.outpost.test", ["v=spf1 ip4:127.0.0.0/8 -all"]),
    ];

    public string Directory { get; } = Paths.NewTempDirectory("world");
    public DnsServer Dns { get; private set; } = null!;
    public RemoteMx Mx { get; private set; } = null!;
    public OutpostServer Outpost { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = new DnsServer(Directory, Zones);
        await Dns.StartAsync();
        Mx = await RemoteMx.StartAsync(Directory, "127.0.0.10", Ports.Free("127.0.0.10"));
        Outpost = await StartOutpostAsync("outpost", "example.com");
    }

    /// <summary>
    /// A fresh Outpost server (own data, own ports) in this world, hosting <paramref name="domain"/> with
    /// alice, bob and admin, and the domain's sending records published in DNS.
    /// </summary>
    public async Task<OutpostServer> StartOutpostAsync(string name, string domain, IDictionary<string, string>? settings = null)
    {
        var server = new OutpostServer(Path.Combine(Directory, name), Dns, Mx.Port, settings);
        await AddDomainAsync(server, domain);
        await PublishRecordsAsync(server, domain);
        await server.StartAsync();
        return server;
    }

    readonly Dictionary<string, OutpostServer> _shared = [];
    readonly Dictionary<string, IAsyncDisposable> _peers = [];

    /// <summary>An extra peer (another MX, a relay) that several tests share, started once and stopped with the world.</summary>
    public async Task<T> SharedPeerAsync<T>(string name, Func<Task<T>> start) where T : IAsyncDisposable
    {
        await _sharing.WaitAsync();
        try
        {
            if (!_peers.TryGetValue(name, out var peer))
                _peers[name] = peer = await start();
            return (T)peer;
        }
        finally
        {
            _sharing.Release();
        }
    }
    readonly SemaphoreSlim _sharing = new(1, 1);

    /// <summary>
    /// An extra server that several tests share (started once, stopped with the world): a domain's DKIM
    /// record can be published once only, so one domain cannot have a server per test.
    /// </summary>
    public async Task<OutpostServer> SharedOutpostAsync(string name, string domain, IDictionary<string, string> settings)
    {
        await _sharing.WaitAsync();
        try
        {
            if (!_shared.TryGetValue(name, out var server))
                _shared[name] = server = await StartOutpostAsync(name, domain, settings);
            return server;
        }
        finally
        {
            _sharing.Release();
        }
    }

    /// <summary>Hosts a domain with alice, bob and admin (a domain admin) through the CLI.</summary>
    public static async Task AddDomainAsync(OutpostServer server, string domain, string plan = "paid")
    {
        await Ok(server.CliAsync("domain", "add", domain, "--plan", plan));
        await Ok(server.CliWithInputAsync(Password + "\n", "mailbox", "add", $"alice@{domain}"));
        await Ok(server.CliWithInputAsync(Password + "\n", "mailbox", "add", $"bob@{domain}"));
        await Ok(server.CliWithInputAsync(Password + "\n", "mailbox", "add", $"admin@{domain}", "--admin"));
    }

    /// <summary>Publishes exactly the records `outpost domain dns` asks for.</summary>
    public async Task PublishRecordsAsync(OutpostServer server, string domain)
    {
        var records = await RecordsAsync(server, domain);
        await Dns.PublishAsync(records.Select(r => TxtRecord(r.Name, r.Strings)));
    }

    public static async Task<IReadOnlyList<(string Kind, string Name, IReadOnlyList<string> Strings)>> RecordsAsync(OutpostServer server, string domain)
    {
        var report = await server.CliJsonAsync("domain", "dns", domain);
        return report.GetProperty("records").EnumerateArray()
            .Select(r => (r.GetProperty("kind").GetString()!, r.GetProperty("name").GetString()!,
                (IReadOnlyList<string>)r.GetProperty("strings").EnumerateArray().Select(s => s.GetString()!).ToList()))
            .ToList();
    }

    /// <summary>A dnsmasq TXT record line; several strings for values over 255 bytes.</summary>
    public static string TxtRecord(string name, IEnumerable<string> strings) =>
        $"txt-record={name}," + string.Join(',', strings.Select(s => $"\"{s}\""));

    static async Task Ok(Task<ProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.All);
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _shared.Values)
            await server.DisposeAsync();
        foreach (var peer in _peers.Values)
            await peer.DisposeAsync();
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
