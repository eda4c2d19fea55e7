using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The world of the DANE scenarios, all on loopback: a zone dane.test signed for the test with ldns-utils
/// and an unsigned zone plain.test, both served by NSD; unbound as the validating resolver in front of it,
/// with dane.test's key as its trust anchor (Outpost's only resolver, on loopback, so its AD bit is
/// believed); aiosmtpd MX hosts with STARTTLS, each with its own certificate from the test CA (which
/// Outpost does not trust: under DANE only the TLSA records count); and an Outpost server. Destinations:
/// match.dane.test (TLSA 3 1 1 of its host's key and a 3 0 2 that matches nothing), mismatch.dane.test
/// (TLSA 3 1 1 of another key), bogus.dane.test (its TLSA records' signature corrupted), ta.dane.test
/// (TLSA 2 0 1 of the test CA, which its host sends with its certificate), plain.test (unsigned, with a
/// TLSA record that matches nothing, which must be ignored).
/// </summary>
public sealed class DaneWorld : IAsyncLifetime
{
    public const string Match = "127.0.0.61", Mismatch = "127.0.0.62", Bogus = "127.0.0.63", TrustAnchor = "127.0.0.64", Plain = "127.0.0.65";

    public string Directory { get; } = Paths.NewTempDirectory("dane");
    public OutpostServer Outpost { get; private set; } = null!;
    public Dictionary<string, RemoteMx> Mx { get; } = [];
    AuthoritativeDns? _nsd;
    ValidatingResolver? _unbound;
    readonly TestCertificates _ca = new();

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: the peers started so far are stopped here.
            await DisposeAsync();
            throw;
        }
    }

    async Task StartAsync()
    {
        var port = Ports.Free(Match);
        var keys = new Dictionary<string, X509Certificate2>();
        foreach (var (address, name) in new[]
        {
            (Match, "mx-match.dane.test"), (Mismatch, "mx-mismatch.dane.test"), (Bogus, "mx-bogus.dane.test"), (TrustAnchor, "mx-ta.dane.test"), (Plain, "mx.plain.test"),
        })
        {
            var dir = Path.Combine(Directory, name);
            var (cert, _) = _ca.Issue(dir, [name]);
            keys[name] = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(cert));
            // DANE-TA needs the anchor in the chain the server sends (RFC 7672 §3.1.2).
            if (address == TrustAnchor)
                await File.AppendAllTextAsync(cert, "\n" + await File.ReadAllTextAsync(_ca.WriteRoot(Path.Combine(Directory, "test-root.pem"))) + "\n");
            Mx[address] = await RemoteMx.StartAsync(dir, address, port);
        }
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(Directory, "test-root.pem")));
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        static string Hex(byte[] data) => Convert.ToHexStringLower(data);
        string KeySha256(string host) => Hex(SHA256.HashData(keys[host].PublicKey.ExportSubjectPublicKeyInfo()));
        var signed = await SignedZone.CreateAsync(Directory, "dane.test",
        [
            "match IN MX 10 mx-match.dane.test.",
            $"mx-match IN A {Match}",
            $"_25._tcp.mx-match IN TLSA 3 1 1 {KeySha256("mx-match.dane.test")}",
            $"_25._tcp.mx-match IN TLSA 3 0 2 {Hex(SHA512.HashData(stranger.ExportSubjectPublicKeyInfo()))}",
            "mismatch IN MX 10 mx-mismatch.dane.test.",
            $"mx-mismatch IN A {Mismatch}",
            $"_25._tcp.mx-mismatch IN TLSA 3 1 1 {Hex(SHA256.HashData(stranger.ExportSubjectPublicKeyInfo()))}",
            "bogus IN MX 10 mx-bogus.dane.test.",
            $"mx-bogus IN A {Bogus}",
            $"_25._tcp.mx-bogus IN TLSA 3 1 1 {KeySha256("mx-bogus.dane.test")}",
            "ta IN MX 10 mx-ta.dane.test.",
            $"mx-ta IN A {TrustAnchor}",
            $"_25._tcp.mx-ta IN TLSA 2 0 1 {Hex(SHA256.HashData(root.RawData))}",
        ]);
        // The host's certificate matches its record: only the signature is wrong, and that alone must defer.
        await signed.BreakSignature("_25._tcp.mx-bogus.dane.test.", "TLSA");
        var unsigned = Path.Combine(Directory, "plain.test.zone");
        await File.WriteAllLinesAsync(unsigned, SignedZone.Unsigned("plain.test",
        [
            "@ IN MX 10 mx.plain.test.",
            $"mx IN A {Plain}",
            $"_25._tcp.mx IN TLSA 3 1 1 {Hex(SHA256.HashData(stranger.ExportSubjectPublicKeyInfo()))}",
        ]));

        _nsd = await AuthoritativeDns.StartAsync(Directory, new Dictionary<string, string> { ["dane.test"] = signed.File, ["plain.test"] = unsigned });
        _unbound = await ValidatingResolver.StartAsync(Directory, _nsd.Port, ["dane.test", "plain.test"], [signed.TrustAnchor]);

        // dnsmasq is not started: every lookup, the ordinary ones too, goes to unbound.
        var unused = new DnsServer(Directory, []);
        Outpost = new OutpostServer(Path.Combine(Directory, "outpost"), unused, port, new Dictionary<string, string>
        {
            ["OUTPOST__Dns__Servers__0"] = _unbound.Endpoint,
            // These scenarios are about the way out; the sending records are tested elsewhere.
            ["OUTPOST__Sending__RequireDnsRecords"] = "false",
        });
        await MailWorld.AddDomainAsync(Outpost, "example.com");
        await Outpost.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (Outpost is not null)
            await Outpost.DisposeAsync();
        foreach (var mx in Mx.Values)
            await mx.DisposeAsync();
        if (_unbound is not null)
            await _unbound.DisposeAsync();
        if (_nsd is not null)
            await _nsd.DisposeAsync();
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
