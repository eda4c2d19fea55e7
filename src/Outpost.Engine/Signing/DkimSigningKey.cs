using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Outpost.Engine.Signing;

/// <summary>
/// One active DKIM key, ready to sign: RSA-SHA256 on .NET's native RSA (OpenSSL on Linux; several
/// times faster than a managed RSA), or Ed25519-SHA256 (RFC 8463: Ed25519 over the SHA-256 hash).
/// RSA objects are pooled, since one must not be used by two threads at once.
/// </summary>
public sealed class DkimSigningKey
{
    readonly string _pem;
    readonly ConcurrentBag<RSA> _rsa = [];
    readonly Ed25519PrivateKeyParameters? _ed25519;

    public DkimSigningKey(string domain, string selector, DkimAlgorithm algorithm, string pem, Ed25519PrivateKeyParameters? ed25519)
    {
        Domain = domain;
        Selector = selector;
        Algorithm = algorithm;
        _pem = pem;
        _ed25519 = ed25519;
        if (algorithm == DkimAlgorithm.Ed25519 && ed25519 is null)
            throw new ArgumentException("An Ed25519 key needs its private key.", nameof(ed25519));
    }

    public string Domain { get; }
    public string Selector { get; }
    public DkimAlgorithm Algorithm { get; }

    /// <summary>The a= tag.</summary>
    public string AlgorithmTag => Algorithm == DkimAlgorithm.Rsa ? "rsa-sha256" : "ed25519-sha256";

    /// <summary>Signs the canonicalised headers (RFC 6376 §3.7).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (Algorithm == DkimAlgorithm.Ed25519)
        {
            var signer = new Ed25519Signer();
            signer.Init(true, _ed25519);
            signer.BlockUpdate(SHA256.HashData(data));
            return signer.GenerateSignature();
        }
        if (!_rsa.TryTake(out var rsa))
        {
            rsa = RSA.Create();
            rsa.ImportFromPem(_pem);
        }
        try
        {
            return rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            _rsa.Add(rsa);
        }
    }
}
