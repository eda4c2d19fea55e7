using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Outpost.Engine.Signing;

/// <summary>
/// DKIM-signs a message for the sending domain with every active key (RSA, and Ed25519 when enabled),
/// relaxed/relaxed, over the headers receivers look at, with From signed twice so no second From can
/// be added. Signing happens last, right before the bytes go out, over exactly the bytes that are sent
/// (the spool file): the body is canonicalised and hashed in one streaming pass
/// (<see cref="RelaxedBodyHash"/>), once for all keys, and the DKIM-Signature fields go in front.
/// </summary>
public sealed class MessageSigner(DkimKeyManager keys, TimeProvider time)
{
    static readonly string[] Signed = ["From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"];

    /// <summary>
    /// The DKIM-Signature fields for <paramref name="message"/> (its bytes as they will be sent, CRLF line
    /// ends), RSA on top, each ending in CRLF; empty when the domain has no active key.
    /// </summary>
    public async Task<byte[]> SignatureFieldsAsync(Stream message, string domain, CancellationToken cancellationToken = default)
    {
        var signers = await keys.SignersAsync(domain, cancellationToken);
        if (signers.Count == 0)
            return [];

        using var view = new SignedMessageView();
        // Synchronous on purpose: a local file in the page cache; async reads would hop through the thread pool per chunk.
        message.CopyTo(view, 32 * 1024);
        var fields = view.Fields();
        var names = Signed.Where(name => fields.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).Append("From").ToArray();
        var headers = CanonicalHeaders(fields, names);
        var bodyHash = Convert.ToBase64String(view.BodyHash());
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var h = string.Join(':', names.Select(n => n.ToLowerInvariant()));

        // RSA (understood by every receiver) on top, then Ed25519.
        var output = new StringBuilder(1024 * signers.Count);
        foreach (var key in signers)
        {
            var tags = $" v=1; a={key.AlgorithmTag}; c=relaxed/relaxed; d={key.Domain}; s={key.Selector};\r\n\tt={timestamp}; h={h};\r\n\tbh={bodyHash};\r\n\tb=";
            var data = new List<byte>(headers.Count + 512);
            data.AddRange(headers);
            RelaxedHeader.Append(data, "DKIM-Signature", tags, finalCrlf: false);
            var signature = Convert.ToBase64String(key.Sign(CollectionsMarshal.AsSpan(data)));
            output.Append("DKIM-Signature:").Append(tags).Append(Fold(signature)).Append("\r\n");
        }
        return Encoding.ASCII.GetBytes(output.ToString());
    }

    /// <summary>The signed fields in h= order, each taken from the bottom up; a name with no field left adds nothing (RFC 6376 §5.4.2).</summary>
    static List<byte> CanonicalHeaders(IReadOnlyList<(string Name, byte[] RawValue)> fields, IEnumerable<string> names)
    {
        var output = new List<byte>(2048);
        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var skip = used.GetValueOrDefault(name);
            used[name] = skip + 1;
            for (var i = fields.Count - 1; i >= 0; i--)
            {
                if (!fields[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                    continue;
                if (skip-- > 0)
                    continue;
                RelaxedHeader.Append(output, fields[i].Name, fields[i].RawValue, finalCrlf: true);
                break;
            }
        }
        return output;
    }

    /// <summary>The b= value in lines of 72 characters; verifiers ignore the folding whitespace.</summary>
    static string Fold(string signature)
    {
        var folded = new StringBuilder(signature.Length + signature.Length / 36);
        for (var i = 0; i < signature.Length; i += 72)
        {
            if (i > 0)
                folded.Append("\r\n\t ");
            folded.Append(signature, i, Math.Min(72, signature.Length - i));
        }
        return folded.ToString();
    }
}
