using Microsoft.AspNetCore.Identity;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Password hashes with ASP.NET Core Identity's hasher (PBKDF2, HMAC-SHA512, 100,000 iterations, salted),
/// never a home-made scheme. A check against a missing mailbox still costs one hash, so that timing
/// does not tell which addresses exist.
/// </summary>
public static class PasswordHashing
{
    static readonly PasswordHasher<object> Hasher = new();
    static readonly object Subject = new();
    static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(Subject, Guid.NewGuid().ToString()));

    public static string Hash(string password) => Hasher.HashPassword(Subject, password);

    public static bool Verify(string? hash, string password)
    {
        if (hash is null)
        {
            Hasher.VerifyHashedPassword(Subject, DummyHash.Value, password);
            return false;
        }
        return Hasher.VerifyHashedPassword(Subject, hash, password) != PasswordVerificationResult.Failed;
    }
}
