using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Outpost.Engine.Secrets;

/// <summary>
/// Seals the secrets Outpost must read back — relay passwords and webhook signing secrets — for storage
/// at rest, with ASP.NET Core Data Protection (authenticated encryption under the key ring in
/// <c>&lt;data&gt;/keys/</c>, see <see cref="KeyRingDirectory"/>), one purpose per <see cref="SecretKind"/>.
/// A sealed value is <c>dp1:</c> followed by the protected payload.
/// It also opens what earlier versions stored, so that they can be sealed again on start: <c>sb1:</c>
/// values of the <see cref="SecretBox"/> (webhook secrets) and <c>plain:</c> values (relay passwords kept
/// in plain text, marked so by migration 0017).
/// Talks to: the Data Protection key ring (files in the data directory), the old secret box's key file.
/// Security: the plaintext is never logged and no exception carries it; a value sealed for one kind does
/// not open as another; a changed value fails to open instead of opening to something else. Without the
/// key ring the sealed secrets cannot be read: it is backed up with the database (<c>outpost backup</c>).
/// </summary>
public sealed class SecretSealer(IDataProtectionProvider provider, SecretBox legacy, string keyRingPath)
{
    public const string Prefix = "dp1:";
    /// <summary>The mark migration 0017 put on relay passwords that were stored in plain text.</summary>
    public const string PlainPrefix = "plain:";
    const string LegacyPrefix = "sb1:";

    public string KeyRingPath { get; } = keyRingPath;

    public string Seal(string plaintext, SecretKind kind) => Prefix + Protector(kind).Protect(plaintext);

    /// <summary>Whether <paramref name="stored"/> is sealed the current way (else <see cref="Open"/> reads it and it should be sealed again).</summary>
    public static bool IsCurrent(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The plaintext of a stored value; a <see cref="CryptographicException"/> with a sentence when it does not open.</summary>
    public string Open(string stored, SecretKind kind)
    {
        if (stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            try
            {
                return Protector(kind).Unprotect(stored[Prefix.Length..]);
            }
            catch (CryptographicException)
            {
                throw new CryptographicException($"A stored {Describe(kind)} does not open with the key ring in {KeyRingPath}: restore the key ring from the backup taken with the database.");
            }
        }
        if (stored.StartsWith(PlainPrefix, StringComparison.Ordinal))
            return stored[PlainPrefix.Length..];
        if (stored.StartsWith(LegacyPrefix, StringComparison.Ordinal))
            return legacy.Open(stored, LegacyPurpose(kind));
        throw new CryptographicException($"A stored {Describe(kind)} is not a value Outpost sealed.");
    }

    IDataProtector Protector(SecretKind kind) => provider.CreateProtector("Outpost.Secrets", kind.ToString());

    // What the secret box bound its values to before the key ring (only webhook secrets used it).
    static string LegacyPurpose(SecretKind kind) => kind == SecretKind.WebhookSecret ? "webhook-secret" : "relay-password";

    static string Describe(SecretKind kind) => kind switch
    {
        SecretKind.RelayPassword => "relay password",
        SecretKind.DkimPrivateKey => "DKIM private key",
        _ => "webhook secret",
    };
}
