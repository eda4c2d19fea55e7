using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MimeKit;
using Outpost.Engine.Domains;

namespace Outpost.Engine.Signing;

/// <summary>
/// DKIM-signs a message for the sending domain with every active key (RSA, and Ed25519 when enabled),
/// relaxed/relaxed, over the headers receivers look at, with From signed twice so no second From can
/// be added. Signing happens last, right before the bytes go out, over the message serialised exactly
/// as it is sent: the body is canonicalised and hashed in one streaming pass (<see cref="RelaxedBodyHash"/>),
/// once for all keys.
/// </summary>
public sealed class MessageSigner(DkimKeyManager keys, TimeProvider time)
{
    static readonly string[] Signed = ["From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"];

    /// <summary>How the message goes out: CRLF line ends, as MailKit sends it.</summary>
    static readonly FormatOptions Wire = CreateWireFormat();

    public async Task<int> SignAsync(MimeMessage message, string domain, CancellationToken cancellationToken = default)
    {
        var signers = await keys.SignersAsync(domain, cancellationToken);
        if (signers.Count == 0)
            return 0;

        using var view = new SignedMessageView();
        await message.WriteToAsync(Wire, view, cancellationToken);
        var fields = view.Fields();
        var names = Signed.Where(name => fields.Any(f => f.Name.Equals(name, StringComparison.OrdinalIgnoreCase))).Append("From").ToArray();
        var headers = CanonicalHeaders(fields, names);
        var bodyHash = Convert.ToBase64String(view.BodyHash());
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var h = string.Join(':', names.Select(n => n.ToLowerInvariant()));

        // Each signature goes on top; Ed25519 first, so RSA (understood by every receiver) ends on top.
        foreach (var key in signers.Reverse())
        {
            var tags = $" v=1; a={key.AlgorithmTag}; c=relaxed/relaxed; d={key.Domain}; s={key.Selector};\r\n\tt={timestamp}; h={h};\r\n\tbh={bodyHash};\r\n\tb=";
            var data = new List<byte>(headers.Count + 512);
            data.AddRange(headers);
            RelaxedHeader.Append(data, "DKIM-Signature", tags, finalCrlf: false);
            var signature = Convert.ToBase64String(key.Sign(CollectionsMarshal.AsSpan(data)));
            var header = new Header(HeaderId.DkimSignature, "-");
            header.SetRawValue(Encoding.ASCII.GetBytes(tags + Fold(signature) + "\r\n"));
            message.Headers.Insert(0, header);
        }
        return signers.Count;
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

    static FormatOptions CreateWireFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }
}
