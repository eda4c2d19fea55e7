using System.Security.Cryptography;
using System.Text;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Makes and checks API keys: "op_&lt;id&gt;_&lt;secret&gt;", 32 random bytes of secret. The secret is high
/// entropy, so a SHA-256 of it is a safe stored form (a slow hash is for passwords people choose), and
/// the check compares in constant time.
/// </summary>
public sealed class ApiKeys(IApiKeyStore store, IAccountStore accounts, TimeProvider time)
{
    public async Task<(ApiKey Key, string Secret)> CreateAsync(string scope, string subject, CancellationToken cancellationToken = default)
    {
        subject = subject.Trim().ToLowerInvariant();
        if (scope == "domain" && await accounts.GetDomainAsync(subject, cancellationToken) is null)
            throw new AccountException($"The domain {subject} is not hosted here.");
        if (scope == "mailbox" && await accounts.GetMailboxAsync(subject, cancellationToken) is null)
            throw new AccountException($"The mailbox {subject} does not exist.");
        if (scope is not ("domain" or "mailbox"))
            throw new AccountException("An API key belongs to a domain or to a mailbox.");
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey(id, scope, subject, Hash(secret), time.GetUtcNow(), null);
        await store.AddAsync(key, cancellationToken);
        return (key, $"op_{id}_{secret}");
    }

    /// <summary>The key a presented token stands for, or null (unknown, wrong or revoked: all the same to the caller).</summary>
    public async Task<ApiKey?> VerifyAsync(string token, CancellationToken cancellationToken = default)
    {
        var parts = token.Split('_');
        if (parts.Length != 3 || parts[0] != "op" || parts[1].Length != 12)
            return null;
        var key = await store.GetAsync(parts[1], cancellationToken);
        var presented = Encoding.ASCII.GetBytes(Hash(parts[2]));
        var stored = Encoding.ASCII.GetBytes(key?.SecretHash ?? new string('0', 64));
        return CryptographicOperations.FixedTimeEquals(presented, stored) && key is { RevokedAt: null } ? key : null;
    }

    static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))).ToLowerInvariant();

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '-');
}
