using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// A certificate authority made by the test (never trusted by the machine: Outpost trusts it only through
/// Tls:TrustedRootsFile), issuing server certificates as PEM files: valid, expired, for another name; and
/// self-signed ones that no authority issued.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly X509Certificate2 _ca;

    public TestCertificates()
    {
        var request = new CertificateRequest("CN=Outpost Test Root", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>Writes the root as PEM (for Tls:TrustedRootsFile).</summary>
    public string WriteRoot(string path)
    {
        File.WriteAllText(path, _ca.ExportCertificatePem());
        return path;
    }

    /// <summary>A certificate for <paramref name="names"/> issued by the test root, valid from/until the given days from now; writes cert and key PEM into <paramref name="directory"/>.</summary>
    public (string Cert, string Key) Issue(string directory, IReadOnlyList<string> names, int fromDays = -1, int untilDays = 10, bool selfSigned = false)
    {
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
            san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        X509Certificate2 certificate;
        if (selfSigned)
        {
            certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(fromDays), DateTimeOffset.UtcNow.AddDays(untilDays));
        }
        else
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
            certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(fromDays), DateTimeOffset.UtcNow.AddDays(untilDays), RandomNumberGenerator.GetBytes(12));
        }
        var cert = Path.Combine(directory, "mx-cert.pem");
        var keyFile = Path.Combine(directory, "mx-key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        certificate.Dispose();
        return (cert, keyFile);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }
}
