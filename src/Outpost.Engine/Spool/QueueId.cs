using System.Security.Cryptography;

namespace Outpost.Engine.Spool;

/// <summary>
/// Message ids: 16 characters of Crockford base32, 10 of them the time in milliseconds and 6 random,
/// so ids sort by arrival and are safe as file names.
/// </summary>
public static class QueueId
{
    const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>
    /// The header that names the queue id in every message Outpost accepts, right below its Received line,
    /// so a complaint about the message finds it even where the receiver rewrote the Message-ID (docs/COMPLAINTS.md).
    /// </summary>
    public const string Header = "X-Outpost-Id";

    public static string New(DateTimeOffset now)
    {
        Span<char> chars = stackalloc char[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }
        var random = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        for (var i = 15; i >= 10; i--)
        {
            chars[i] = Alphabet[(int)(random & 31)];
            random >>= 5;
        }
        return new string(chars);
    }

    public static bool IsValid(string id) => id.Length == 16 && id.All(c => Alphabet.Contains(c));
}
