using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Outpost.Engine.Signing;

/// <summary>
/// The RSA-SHA256 signature step of DKIM on .NET's own RSA (OpenSSL on Linux), which is several times
/// faster than the managed BouncyCastle RSA that MimeKit uses by default. MimeKit still does all of
/// DKIM's canonicalisation and header work; only the hash-and-sign at the end runs here. RSA objects are
/// pooled, since one is not meant to be shared by threads signing at the same time.
/// </summary>
internal sealed class RsaSha256Signer(ConcurrentBag<RSA> pool, Func<RSA> create) : ISigner
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public string AlgorithmName => "SHA-256withRSA";

    public void Init(bool forSigning, ICipherParameters parameters)
    {
        if (!forSigning)
            throw new NotSupportedException("This signer only signs.");
        _hash.GetHashAndReset();
    }

    public void Update(byte input) => _hash.AppendData([input]);

    public void BlockUpdate(byte[] input, int inOff, int inLen) => _hash.AppendData(input, inOff, inLen);

    public void BlockUpdate(ReadOnlySpan<byte> input) => _hash.AppendData(input);

    public int GetMaxSignatureSize() => 512;

    public byte[] GenerateSignature()
    {
        var hash = _hash.GetHashAndReset();
        var rsa = pool.TryTake(out var pooled) ? pooled : create();
        try
        {
            return rsa.SignHash(hash, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            pool.Add(rsa);
        }
    }

    public bool VerifySignature(byte[] signature) => throw new NotSupportedException("This signer only signs.");

    public void Reset() => _hash.GetHashAndReset();
}
