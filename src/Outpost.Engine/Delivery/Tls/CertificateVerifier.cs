using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Outpost.Engine.Configuration;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// Says whether a server's certificate is valid for the host name Outpost connected to: not expired nor
/// not yet valid, the name matching (checked by the TLS stack against the name given as the target host),
/// and a chain to a trusted root, the system's or one of <see cref="TlsOptions.TrustedRootsFile"/>'s.
/// Used for the policy modes that verify (and to report what MTA-STS testing would refuse) and for MTA-STS
/// policy fetches. Revocation is not checked (no MTA does; it would need the network at every delivery).
/// Security stance: null means valid; anything else is one sentence saying what is wrong, and no caller
/// sends mail or trusts a policy past it.
/// </summary>
public sealed class CertificateVerifier
{
    readonly X509Certificate2Collection _extraRoots = [];
    readonly TimeProvider _time;

    public CertificateVerifier(TlsOptions options, TimeProvider time)
    {
        _time = time;
        // A missing file is refused at the start of `serve` (TlsOptions.Problem); a management command goes on without it.
        if (options.TrustedRootsFile is { } file && File.Exists(file))
            _extraRoots.ImportFromPemFile(file);
    }

    /// <summary>What is wrong with <paramref name="certificate"/> for <paramref name="host"/>, or null when it is valid.</summary>
    public string? Problem(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, string host) =>
        Check(certificate, presented, errors, host).Problem;

    /// <summary>What is wrong, as <see cref="Problem"/> says it, with the TLS-RPT result type of that problem (RFC 8460 §4.3.1).</summary>
    public CertificateCheck Check(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, string host)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            return new($"{host} presented no certificate", TlsResultTypes.ValidationFailure);
        var cert = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        var now = _time.GetUtcNow().UtcDateTime;
        if (cert.NotAfter.ToUniversalTime() < now)
            return new($"the certificate of {host} expired on {cert.NotAfter.ToUniversalTime():yyyy-MM-dd}", TlsResultTypes.CertificateExpired);
        if (cert.NotBefore.ToUniversalTime() > now)
            return new($"the certificate of {host} is not valid before {cert.NotBefore.ToUniversalTime():yyyy-MM-dd}", TlsResultTypes.ValidationFailure);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return new($"the certificate of {host} is not valid for that name (it is for {cert.GetNameInfo(X509NameType.DnsName, false)})", TlsResultTypes.CertificateHostMismatch);
        var intermediates = presented?.ChainElements.Skip(1).Select(e => e.Certificate).ToList() ?? [];
        if (Chains(cert, intermediates, custom: false) || (_extraRoots.Count > 0 && Chains(cert, intermediates, custom: true)))
            return CertificateCheck.Valid;
        return new(cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData)
            ? $"the certificate of {host} is self-signed"
            : $"the certificate of {host} is not issued by a trusted authority", TlsResultTypes.CertificateNotTrusted);
    }

    bool Chains(X509Certificate2 cert, IReadOnlyList<X509Certificate2> intermediates, bool custom)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        if (custom)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_extraRoots);
        }
        return chain.Build(cert);
    }
}
