using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The world of the TLS policy scenarios, all on loopback: a test CA whose root only Outpost trusts (through
/// Tls:TrustedRootsFile); four aiosmtpd MX hosts on one port, each with its own certificate (valid for
/// mx-good.tls.test, expired for mx-expired.tls.test, issued for another name at mx-wrongname.tls.test,
/// self-signed at mx-self.tls.test); an HTTPS server serving MTA-STS policies; dnsmasq with the MX, address
/// and _mta-sts TXT records; and an Outpost server that delivers to them. Destinations:
/// enforce.test (enforce; its MX hosts, by preference, the expired, the wrong-name and the good one),
/// enforcebad.test (enforce; only the expired host), nomatch.test (enforce, its MX not in the policy),
/// testing.test (testing; the wrong-name host), partner.test (the self-signed host; the table says verify),
/// plain.test (no policy; the good host); rpt.test (enforce; the expired host, then the good one; it publishes
/// a TLS-RPT record whose rua is tls-reports@reports.test, whose MX is the good host).
/// </summary>
public sealed class TlsPolicyWorld : IAsyncLifetime
{
    public const string Good = "127.0.0.31", Expired = "127.0.0.32", WrongName = "127.0.0.33", SelfSigned = "127.0.0.34";

    public string Directory { get; } = Paths.NewTempDirectory("tls");
    public DnsServer Dns { get; private set; } = null!;
    public PolicyServer Policies { get; private set; } = null!;
    public OutpostServer Outpost { get; private set; } = null!;
    public Dictionary<string, RemoteMx> Mx { get; } = [];
    readonly TestCertificates _ca = new();

    static readonly string[] PolicyDomains = ["enforce.test", "enforcebad.test", "nomatch.test", "testing.test", "rpt.test"];

    /// <summary>Where rpt.test's TLS-RPT record sends its reports.</summary>
    public const string ReportMailbox = "tls-reports@reports.test";

    public async Task InitializeAsync()
    {
        var port = Ports.Free(Good);
        var hosts = new (string Address, string Name, string[] Names, int From, int Until, bool Self)[]
        {
            (Good, "mx-good.tls.test", ["mx-good.tls.test"], -1, 10, false),
            (Expired, "mx-expired.tls.test", ["mx-expired.tls.test"], -20, -2, false),
            (WrongName, "mx-wrongname.tls.test", ["mx.elsewhere.test"], -1, 10, false),
            (SelfSigned, "mx-self.tls.test", ["mx-self.tls.test"], -1, 10, true),
        };
        foreach (var h in hosts)
        {
            var dir = Path.Combine(Directory, h.Name);
            _ca.Issue(dir, h.Names, h.From, h.Until, h.Self);
            Mx[h.Address] = await RemoteMx.StartAsync(dir, h.Address, port);
        }

        var (policyCert, policyKey) = _ca.Issue(Path.Combine(Directory, "policy-host"), PolicyDomains.Select(d => "mta-sts." + d).ToList());
        Policies = await PolicyServer.StartAsync(Path.Combine(Directory, "policies"), policyCert, policyKey);
        Policies.Publish("enforce.test", "version: STSv1\nmode: enforce\nmx: *.tls.test\nmax_age: 86400\n");
        Policies.Publish("enforcebad.test", "version: STSv1\r\nmode: enforce\r\nmx: mx-expired.tls.test\r\nmax_age: 86400\r\n");
        Policies.Publish("nomatch.test", "version: STSv1\nmode: enforce\nmx: mx.nomatch.test\nmax_age: 86400\n");
        Policies.Publish("testing.test", "version: STSv1\nmode: testing\nmx: *.tls.test\nmax_age: 86400\n");
        Policies.Publish("rpt.test", "version: STSv1\nmode: enforce\nmx: *.tls.test\nmax_age: 86400\n");

        var zones = new List<string>
        {
            "local=/test/",
            $"address=/mx-good.tls.test/{Good}",
            $"address=/mx-expired.tls.test/{Expired}",
            $"address=/mx-wrongname.tls.test/{WrongName}",
            $"address=/mx-self.tls.test/{SelfSigned}",
            "mx-host=enforce.test,mx-expired.tls.test,5",
            "mx-host=enforce.test,mx-wrongname.tls.test,10",
            "mx-host=enforce.test,mx-good.tls.test,20",
            "mx-host=enforcebad.test,mx-expired.tls.test,10",
            "mx-host=nomatch.test,mx-good.tls.test,10",
            "mx-host=testing.test,mx-wrongname.tls.test,10",
            "mx-host=partner.test,mx-self.tls.test,10",
            "mx-host=plain.test,mx-good.tls.test,10",
            "mx-host=rpt.test,mx-expired.tls.test,5",
            "mx-host=rpt.test,mx-good.tls.test,20",
            "mx-host=reports.test,mx-good.tls.test,10",
            MailWorld.TxtRecord("_smtp._tls.rpt.test", ["v=TLSRPTv1; rua=mailto:" + ReportMailbox + ",https://reports.test/tlsrpt"]),
            MailWorld.TxtRecord("_spf.outpost.test", ["v=spf1 ip4:127.0.0.0/8 -all"]),
        };
        foreach (var domain in PolicyDomains)
        {
            zones.Add($"address=/mta-sts.{domain}/127.0.0.1");
            zones.Add(MailWorld.TxtRecord("_mta-sts." + domain, ["v=STSv1; id=20260101T000000;"]));
        }
        Dns = new DnsServer(Directory, zones);
        await Dns.StartAsync();

        Outpost = new OutpostServer(Path.Combine(Directory, "outpost"), Dns, port, new Dictionary<string, string>
        {
            ["OUTPOST__Tls__TrustedRootsFile"] = _ca.WriteRoot(Path.Combine(Directory, "test-root.pem")),
            ["OUTPOST__Tls__MtaStsPort"] = Policies.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The policy host is on loopback here; without this the SSRF guard refuses it.
            ["OUTPOST__Tls__MtaStsAllowPrivate"] = "true",
            ["OUTPOST__Tls__ReportAddress"] = "tlsrpt@example.com",
            ["OUTPOST__Tls__ReportFlushInterval"] = "00:00:00.500",
            // These scenarios are about the way out; the sending records are tested elsewhere.
            ["OUTPOST__Sending__RequireDnsRecords"] = "false",
        });
        await MailWorld.AddDomainAsync(Outpost, "example.com");
        await Outpost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Outpost.DisposeAsync();
        foreach (var mx in Mx.Values)
            await mx.DisposeAsync();
        await Policies.DisposeAsync();
        await Dns.DisposeAsync();
        _ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
