using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>
/// TLSA matching (RFC 7672 §3, RFC 6698 §2.1) on certificates made here: DANE-EE matches the server's own
/// certificate by its key or whole, by SHA-256, SHA-512 or in full, with no name or date check; DANE-TA
/// matches an issuer the server sent and then wants a chain to it, the MX host's name and valid dates.
/// </summary>
public sealed class DaneMatcherTests : IDisposable
{
    static readonly DateTime Now = DateTime.UtcNow;
    readonly ECDsa _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly ECDsa _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly X509Certificate2 _root, _intermediate;

    public DaneMatcherTests()
    {
        _root = Authority("CN=DANE Test Root", _rootKey, null, null);
        _intermediate = Authority("CN=DANE Test Intermediate", _intermediateKey, _root, _rootKey);
    }

    public void Dispose()
    {
        _root.Dispose();
        _intermediate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
    }

    static X509Certificate2 Authority(string subject, ECDsa key, X509Certificate2? issuer, ECDsa? issuerKey)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var signed = request.Create(issuer, DateTimeOffset.UtcNow.AddDays(-20), DateTimeOffset.UtcNow.AddDays(20), RandomNumberGenerator.GetBytes(12));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>A server certificate for <paramref name="name"/>, issued by <paramref name="issuer"/> (self-signed when null).</summary>
    static X509Certificate2 Server(string name, X509Certificate2? issuer, int fromDays = -1, int untilDays = 10)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var from = DateTimeOffset.UtcNow.AddDays(fromDays);
        var until = DateTimeOffset.UtcNow.AddDays(untilDays);
        if (issuer is null)
            return request.CreateSelfSigned(from, until);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return request.Create(issuer, from, until, RandomNumberGenerator.GetBytes(12));
    }

    static TlsaRecord Record(byte usage, byte selector, byte matching, X509Certificate2 certificate)
    {
        var selected = selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        var data = matching switch { 1 => SHA256.HashData(selected), 2 => SHA512.HashData(selected), _ => selected };
        return new TlsaRecord(usage, selector, matching, data);
    }

    static DaneHost Host(params TlsaRecord[] records) => new("mx.example.com", records);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    public void Dane_ee_matches_the_servers_own_certificate_by_every_selector_and_matching_type(byte selector, byte matching)
    {
        using var leaf = Server("mx.example.com", null);
        var record = Record(3, selector, matching, leaf);

        var match = DaneMatcher.Match(leaf, [], Host(new TlsaRecord(3, 1, 1, new byte[32]), record), Now);

        Assert.Equal(record, match.Matched);
        Assert.Null(match.Problem);
    }

    [Fact]
    public void Dane_ee_ignores_the_name_and_the_dates()
    {
        using var expiredElsewhere = Server("mx.elsewhere.test", null, fromDays: -30, untilDays: -3);
        var match = DaneMatcher.Match(expiredElsewhere, [], Host(Record(3, 1, 1, expiredElsewhere)), Now);
        Assert.NotNull(match.Matched);
    }

    [Fact]
    public void A_certificate_that_matches_no_record_is_refused_with_the_count()
    {
        using var leaf = Server("mx.example.com", null);
        using var other = Server("mx.example.com", null);

        var match = DaneMatcher.Match(leaf, [], Host(Record(3, 1, 1, other), Record(3, 0, 2, other)), Now);

        Assert.Null(match.Matched);
        Assert.Equal("the certificate of mx.example.com matches none of its 2 TLSA records", match.Problem);
    }

    [Fact]
    public void Dane_ta_matches_a_root_the_server_sent_when_the_certificate_chains_to_it_and_names_the_host()
    {
        using var leaf = Server("mx.example.com", _root);
        var record = Record(2, 0, 1, _root);

        Assert.Equal(record, DaneMatcher.Match(leaf, [_root], Host(record), Now).Matched);
        // The same trust anchor, but the server did not send it: nothing to match.
        Assert.Null(DaneMatcher.Match(leaf, [], Host(record), Now).Matched);
    }

    [Fact]
    public void Dane_ta_may_name_an_intermediate_that_is_no_root()
    {
        using var leaf = Server("mx.example.com", _intermediate);
        var record = Record(2, 1, 1, _intermediate);

        var match = DaneMatcher.Match(leaf, [_intermediate], Host(record), Now);

        Assert.True(match.Matched is not null, match.Problem);
    }

    [Fact]
    public void Dane_ta_refuses_another_name_an_expired_certificate_and_one_the_anchor_did_not_issue()
    {
        var record = Record(2, 0, 1, _root);
        using var wrongName = Server("mx.elsewhere.test", _root);
        using var expired = Server("mx.example.com", _root, fromDays: -10, untilDays: -1);
        using var selfSigned = Server("mx.example.com", null);

        Assert.StartsWith("the certificate of mx.example.com is not valid for that name", DaneMatcher.Match(wrongName, [_root], Host(record), Now).Problem);
        Assert.StartsWith("the certificate of mx.example.com expired on", DaneMatcher.Match(expired, [_root], Host(record), Now).Problem);
        Assert.Equal("the certificate of mx.example.com does not chain to the trust anchor its TLSA record names",
            DaneMatcher.Match(selfSigned, [_root], Host(record), Now).Problem);
    }

    [Fact]
    public void An_unusable_record_is_never_matched_even_when_its_data_fit()
    {
        using var leaf = Server("mx.example.com", null);
        // PKIX-EE (1) with the right digest: not a usage SMTP may use (RFC 7672 §3.1.3).
        var host = Host(Record(1, 1, 1, leaf));

        Assert.Null(DaneMatcher.Match(leaf, [], host, Now).Matched);
    }
}
