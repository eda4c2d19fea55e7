using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// Matches the certificate chain an MX host presented against its TLSA records (RFC 7672 §3, RFC 6698
/// §2.1): the selected part (selector 0: the whole certificate; 1: its SubjectPublicKeyInfo), whole
/// (matching type 0) or as its SHA-256 (1) or SHA-512 (2) digest. A DANE-EE(3) record matches the server's
/// own certificate, and then nothing else is checked: neither name nor dates (§3.1.1). A DANE-TA(2) record
/// matches a certificate the server sent above its own (a trust anchor of the domain's choosing); the
/// server's certificate must then chain to it, be within its dates, and name the MX host (§3.2.2: the
/// reference identifier is the MX host name). The machine's trust store plays no part.
/// Security stance: only a match lets mail go; every other outcome is one sentence for the reply, and a
/// record that cannot be used (DaneHost.Usable) is never matched.
/// </summary>
public static class DaneMatcher
{
    /// <summary>The match for what the TLS stack's validation callback sees: the server's certificate and the chain built with what it sent.</summary>
    public static DaneMatch Match(X509Certificate? certificate, X509Chain? chain, DaneHost dane, DateTime now)
    {
        if (certificate is null)
            return DaneMatch.Refused($"{dane.Host} presented no certificate");
        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        var presented = new List<X509Certificate2>();
        if (chain is not null)
        {
            // The certificates the server sent are in the extra store; the built chain may add what they chain to.
            presented.AddRange(chain.ChainPolicy.ExtraStore);
            presented.AddRange(chain.ChainElements.Select(e => e.Certificate));
        }
        return Match(leaf, presented, dane, now);
    }

    /// <param name="leaf">The server's own certificate.</param>
    /// <param name="presented">The other certificates the server sent (and any the TLS stack chained them with).</param>
    public static DaneMatch Match(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> presented, DaneHost dane, DateTime now)
    {
        var host = dane.Host;
        foreach (var record in dane.Usable.Where(r => r.Usage == 3))
            if (Matches(leaf, record))
                return DaneMatch.Of(record);

        string? problem = null;
        foreach (var record in dane.Usable.Where(r => r.Usage == 2))
        {
            foreach (var anchor in presented.Where(c => !c.RawData.AsSpan().SequenceEqual(leaf.RawData)))
            {
                if (!Matches(anchor, record))
                    continue;
                problem = ChainProblem(leaf, anchor, presented, host, now);
                if (problem is null)
                    return DaneMatch.Of(record);
            }
        }
        return DaneMatch.Refused(problem ?? $"the certificate of {host} matches none of its {dane.RecordsInWords}");
    }

    /// <summary>Whether <paramref name="certificate"/> is what <paramref name="record"/> describes.</summary>
    public static bool Matches(X509Certificate2 certificate, TlsaRecord record)
    {
        byte[] selected = record.Selector == 0 ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        byte[] data = record.MatchingType switch
        {
            0 => selected,
            1 => SHA256.HashData(selected),
            2 => SHA512.HashData(selected),
            _ => [],
        };
        return data.Length > 0 && data.AsSpan().SequenceEqual(record.Data);
    }

    /// <summary>What keeps <paramref name="leaf"/> from being valid under the trust anchor <paramref name="anchor"/>, or null.</summary>
    static string? ChainProblem(X509Certificate2 leaf, X509Certificate2 anchor, IReadOnlyList<X509Certificate2> presented, string host, DateTime now)
    {
        if (leaf.NotAfter.ToUniversalTime() < now)
            return $"the certificate of {host} expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}";
        if (leaf.NotBefore.ToUniversalTime() > now)
            return $"the certificate of {host} is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd}";
        if (!leaf.MatchesHostname(host, allowWildcards: true, allowCommonName: false))
            return $"the certificate of {host} is not valid for that name (it is for {leaf.GetNameInfo(X509NameType.DnsName, false)})";
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.ExtraStore.AddRange(presented.ToArray());
        // A trust anchor need not be a self-signed root (RFC 7672 §3.1.2): a chain that ends at it is
        // complete, whatever lies above it.
        if (chain.Build(leaf) || EndsAtAnchor(chain, anchor))
            return null;
        return $"the certificate of {host} does not chain to the trust anchor its TLSA record names";
    }

    /// <summary>Whether the chain reaches <paramref name="anchor"/> with nothing wrong below it but that the anchor is no root.</summary>
    static bool EndsAtAnchor(X509Chain chain, X509Certificate2 anchor)
    {
        const X509ChainStatusFlags aboveAnchor = X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;
        foreach (var element in chain.ChainElements)
        {
            if (element.ChainElementStatus.Any(s => (s.Status & ~aboveAnchor) != 0))
                return false;
            if (element.Certificate.RawData.AsSpan().SequenceEqual(anchor.RawData))
                return true;
        }
        return false;
    }
}
