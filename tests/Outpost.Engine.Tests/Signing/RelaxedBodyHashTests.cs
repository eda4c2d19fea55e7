using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Outpost.Engine.Signing;

namespace Outpost.Engine.Tests.Signing;

/// <summary>The streaming relaxed body canonicalisation against a plain reading of RFC 6376 §3.4.4, on many bodies and any split into writes.</summary>
public sealed class RelaxedBodyHashTests
{
    /// <summary>The rule as the RFC words it, on whole strings.</summary>
    static byte[] Reference(string body)
    {
        var lines = body.Split("\r\n").ToList();
        var endsWithCrlf = body.EndsWith("\r\n", StringComparison.Ordinal);
        if (endsWithCrlf)
            lines.RemoveAt(lines.Count - 1);
        lines = lines.Select(l => Regex.Replace(l, "[ \t]+", " ").TrimEnd(' ')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        var canonical = lines.Count == 0 ? "" : string.Join("\r\n", lines) + "\r\n";
        return SHA256.HashData(Encoding.Latin1.GetBytes(canonical));
    }

    static byte[] Streamed(string body, int chunk)
    {
        using var hash = new RelaxedBodyHash();
        var bytes = Encoding.Latin1.GetBytes(body);
        for (var i = 0; i < bytes.Length; i += chunk)
            hash.Write(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)));
        return hash.Finish();
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("\r\n\r\n\r\n")]
    [InlineData("a")]
    [InlineData("a\r\n")]
    [InlineData("  a  b\t\tc \t\r\n\r\n \t \r\n")]
    [InlineData("line one\r\n\r\n\r\nline four\r\n \r\n\t\r\n")]
    [InlineData("\tindented\r\n   x\r\n")]
    public void Known_bodies_hash_as_the_rfc_says(string body)
    {
        foreach (var chunk in new[] { 1, 2, 3, 7, 1000 })
            Assert.Equal(Reference(body), Streamed(body, chunk));
    }

    [Fact]
    public void Random_bodies_hash_as_the_rfc_says_whatever_the_write_sizes()
    {
        var random = new Random(20261127);
        const string alphabet = "ab \t\r\n.x";
        for (var n = 0; n < 500; n++)
        {
            var chars = new char[random.Next(0, 80)];
            for (var i = 0; i < chars.Length; i++)
                chars[i] = alphabet[random.Next(alphabet.Length)];
            // Line ends in a DKIM body are CRLF pairs; lone CR and LF do not occur in what Outpost sends.
            var body = new string(chars).Replace("\r\n", "\n").Replace("\r", "").Replace("\n", "\r\n");
            Assert.Equal(Reference(body), Streamed(body, random.Next(1, 10)));
        }
    }
}
