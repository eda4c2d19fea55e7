using System.Collections.Concurrent;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Signing;

/// <summary>
/// Makes, rotates and retires DKIM keys, and hands out signers for the active ones.
/// A new domain gets an active RSA-2048 key (and Ed25519 when enabled). A rotation adds pending keys
/// under new selectors; once their records are seen in DNS they become active and the old ones start
/// retiring; past <see cref="DkimOptions.RetireAfter"/> the old private keys are deleted.
/// </summary>
public sealed class DkimKeyManager(IDkimKeyStore store, IDkimPrivateKeys files, DkimOptions options, TimeProvider time)
{
    /// <summary>
    /// Which keys sign is read again at most this often: it changes only when a rotation completes, and a
    /// key that stops signing keeps its DNS record for days, so a few more signatures with it still verify.
    /// Changes made by this process take effect at once; the CLI's (another process) within this time.
    /// </summary>
    static readonly TimeSpan ActiveKeysCacheTime = TimeSpan.FromSeconds(5);

    readonly ConcurrentDictionary<(string Domain, string Selector), DkimSigningKey> _signers = new();
    readonly ConcurrentDictionary<string, (DateTimeOffset Until, IReadOnlyList<DkimSigningKey> Signers)> _active = new(StringComparer.OrdinalIgnoreCase);

    public async Task<IReadOnlyList<DkimKey>> CreateInitialKeysAsync(string domain, CancellationToken cancellationToken = default)
    {
        var existing = await store.KeysAsync(domain, cancellationToken);
        if (existing.Any(k => k.State == DkimKeyState.Active))
            return existing;
        return await CreateAsync(domain, DkimKeyState.Active, existing, cancellationToken);
    }

    /// <summary>Adds pending keys under fresh selectors; they sign once their records verify.</summary>
    public async Task<IReadOnlyList<DkimKey>> RotateAsync(string domain, CancellationToken cancellationToken = default)
    {
        var existing = await store.KeysAsync(domain, cancellationToken);
        foreach (var stale in existing.Where(k => k.State == DkimKeyState.Pending))
        {
            await store.UpdateKeyAsync(stale with { State = DkimKeyState.Retired }, cancellationToken);
            files.Delete(domain, stale.Selector);
        }
        return await CreateAsync(domain, DkimKeyState.Pending, existing, cancellationToken);
    }

    async Task<IReadOnlyList<DkimKey>> CreateAsync(string domain, DkimKeyState state, IReadOnlyList<DkimKey> existing, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var made = new List<DkimKey>();
        foreach (var algorithm in options.Ed25519 ? new[] { DkimAlgorithm.Rsa, DkimAlgorithm.Ed25519 } : [DkimAlgorithm.Rsa])
        {
            var selector = NewSelector(algorithm, now, existing.Concat(made));
            var (pem, publicKey) = algorithm == DkimAlgorithm.Rsa ? NewRsa() : NewEd25519();
            files.Write(domain, selector, pem);
            var key = new DkimKey(domain, selector, algorithm, state, publicKey, now, state == DkimKeyState.Active ? now : null, null);
            await store.AddKeyAsync(key, cancellationToken);
            made.Add(key);
        }
        _active.TryRemove(domain, out _);
        return made;
    }

    /// <summary>After a check: pending keys whose record is ok become active, the keys they replace start retiring, old ones retire.</summary>
    /// <param name="verified">The names of the domain's records the check found as they should be (a key's is its <see cref="DkimKey.CheckName"/>).</param>
    public async Task AdvanceAsync(string domain, IReadOnlySet<string> verified, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var keys = await store.KeysAsync(domain, cancellationToken);
        foreach (var pending in keys.Where(k => k.State == DkimKeyState.Pending))
        {
            if (!verified.Contains(pending.CheckName))
                continue;
            foreach (var old in keys.Where(k => k.State == DkimKeyState.Active && k.Algorithm == pending.Algorithm))
                await store.UpdateKeyAsync(old with { State = DkimKeyState.Retiring, RetireAfter = now + options.RetireAfter }, cancellationToken);
            await store.UpdateKeyAsync(pending with { State = DkimKeyState.Active, ActivatedAt = now }, cancellationToken);
        }
        foreach (var retiring in keys.Where(k => k.State == DkimKeyState.Retiring && k.RetireAfter <= now))
        {
            await store.UpdateKeyAsync(retiring with { State = DkimKeyState.Retired }, cancellationToken);
            files.Delete(domain, retiring.Selector);
            _signers.TryRemove((domain, retiring.Selector), out _);
        }
        _active.TryRemove(domain, out _);
    }

    /// <summary>Signers for the domain's active keys (RSA first), made once per key.</summary>
    public async Task<IReadOnlyList<DkimSigningKey>> SignersAsync(string domain, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_active.TryGetValue(domain, out var cached) && cached.Until > now)
            return cached.Signers;
        var keys = await store.KeysAsync(domain, cancellationToken);
        var signers = new List<DkimSigningKey>();
        foreach (var key in keys.Where(k => k.State == DkimKeyState.Active).OrderBy(k => k.Algorithm))
        {
            signers.Add(_signers.GetOrAdd((domain, key.Selector), _ =>
            {
                var pem = files.Read(domain, key.Selector);
                return new DkimSigningKey(domain, key.Selector, key.Algorithm, pem,
                    key.Algorithm == DkimAlgorithm.Ed25519 ? (Ed25519PrivateKeyParameters)LoadPrivateKey(pem) : null);
            }));
        }
        _active[domain] = (now + ActiveKeysCacheTime, signers);
        return signers;
    }

    static Org.BouncyCastle.Crypto.AsymmetricKeyParameter LoadPrivateKey(string pem)
    {
        using var reader = new StringReader(pem);
        return new PemReader(reader).ReadObject() switch
        {
            Org.BouncyCastle.Crypto.AsymmetricKeyParameter key => key,
            Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair pair => pair.Private,
            _ => throw new InvalidOperationException("The DKIM key file holds no private key."),
        };
    }

    static (string Pem, string PublicKey) NewRsa()
    {
        using var rsa = RSA.Create(2048);
        return (rsa.ExportPkcs8PrivateKeyPem(), Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
    }

    static (string Pem, string PublicKey) NewEd25519()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var info = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private);
        var pem = PemEncoding.WriteString("PRIVATE KEY", info.GetDerEncoded());
        // RFC 8463: the p= tag of an Ed25519 key is the raw 32-byte public key.
        return (pem, Convert.ToBase64String(((Ed25519PublicKeyParameters)pair.Public).GetEncoded()));
    }

    /// <summary>"o202611r", "o202611e" (ed25519), then "o202611r2", … so every rotation has a new selector.</summary>
    static string NewSelector(DkimAlgorithm algorithm, DateTimeOffset now, IEnumerable<DkimKey> existing)
    {
        var stem = $"o{now:yyyyMM}{(algorithm == DkimAlgorithm.Rsa ? 'r' : 'e')}";
        var taken = existing.Select(k => k.Selector).ToHashSet();
        var selector = stem;
        for (var n = 2; taken.Contains(selector); n++)
            selector = stem + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return selector;
    }
}
