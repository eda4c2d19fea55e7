using System.Collections.Concurrent;
using System.Security.Cryptography;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;

namespace Outpost.Engine.Signing;

/// <summary>MimeKit's DKIM signer with the RSA step moved to .NET's native RSA (see <see cref="RsaSha256Signer"/>).</summary>
internal sealed class OutpostDkimSigner : DkimSigner
{
    readonly string _pem;
    readonly ConcurrentBag<RSA> _pool = [];

    public OutpostDkimSigner(AsymmetricKeyParameter key, string pem, string domain, string selector, DkimSignatureAlgorithm algorithm)
        : base(key, domain, selector, algorithm)
    {
        _pem = pem;
    }

    RSA CreateRsa()
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(_pem);
        return rsa;
    }

    protected override ISigner CreateSigningContext() =>
        SignatureAlgorithm == DkimSignatureAlgorithm.RsaSha256 ? new RsaSha256Signer(_pool, CreateRsa) : base.CreateSigningContext();
}
