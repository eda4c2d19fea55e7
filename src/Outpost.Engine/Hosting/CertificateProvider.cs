using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Hosting;

/// <summary>
/// The TLS certificate: the configured one (PKCS#12, or PEM with its key), else a self-signed one made
/// on first start and kept under <c>&lt;data&gt;/tls/</c> with owner-only permissions, so a fresh machine
/// offers STARTTLS and implicit TLS at once.
/// </summary>
public static class CertificateProvider
{
    public static X509Certificate2 Load(OutpostOptions options)
    {
        var tls = options.Tls;
        if (!string.IsNullOrEmpty(tls.CertificatePath))
        {
            if (!string.IsNullOrEmpty(tls.KeyPath))
            {
                using var pem = X509Certificate2.CreateFromPemFile(tls.CertificatePath, tls.KeyPath);
                return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            return X509CertificateLoader.LoadPkcs12FromFile(tls.CertificatePath, tls.CertificatePassword);
        }

        var directory = Path.Combine(Path.GetFullPath(options.DataDirectory), "tls");
        var path = Path.Combine(directory, "self-signed.pfx");
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(7))
                return existing;
            existing.Dispose();
        }
        Directory.CreateDirectory(directory);
        var bytes = CreateSelfSigned(options.Hostname);
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return X509CertificateLoader.LoadPkcs12(bytes, null);
    }

    static byte[] CreateSelfSigned(string hostname)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostname}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostname);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        return certificate.Export(X509ContentType.Pkcs12);
    }
}
