using System.Security.Cryptography;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// An endpoint's signing secret in the Standard Webhooks format: <c>whsec_</c> and the base64 of the key
/// bytes (Outpost makes 32 random ones; the format allows 24 to 64). Receivers pass the whole string to
/// their library; Outpost signs with the decoded bytes.
/// </summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";
    const int Bytes = 32;

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes));

    /// <summary>The key bytes of a <c>whsec_…</c> secret.</summary>
    public static byte[] Key(string secret)
    {
        var encoded = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        try
        {
            var key = Convert.FromBase64String(encoded);
            if (key.Length is >= 24 and <= 64)
                return key;
        }
        catch (FormatException)
        {
        }
        throw new CryptographicException("A webhook secret is whsec_ and the base64 of 24 to 64 bytes.");
    }
}
