using System.Security.Cryptography;
using Outpost.Engine.Signing;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// The DKIM canonicaliser (<see cref="SignedMessageView"/>, <see cref="RelaxedBodyHash"/>,
/// <see cref="RelaxedHeader"/>): the input after its first byte is a message as it sits in the spool, and
/// the first byte picks how it is written into the view (see <see cref="ChunkedStream"/>). The header
/// fields and the body hash must be the same however the bytes are split, the body hash must equal that
/// of a plain reading of RFC 6376 §3.4.4 (<see cref="RelaxedBody"/>), and, for a message whose lines all
/// end in CRLF as the spool's do, each canonical header with a proper name must be one line with no runs of
/// whitespace.
/// </summary>
internal sealed class DkimCanonicalTarget : IFuzzTarget
{
    public string Name => "dkim";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var message = input[1..].ToArray();
        var (fields, hash) = Canonicalise(message, chunkSeed: 0);
        var (chunkedFields, chunkedHash) = Canonicalise(message, input[0]);
        if (!hash.AsSpan().SequenceEqual(chunkedHash))
            throw new FuzzFinding("the body hash depends on how the message was split into writes");
        if (fields.Count != chunkedFields.Count || fields.Zip(chunkedFields).Any(p => p.First.Name != p.Second.Name || !p.First.RawValue.AsSpan().SequenceEqual(p.Second.RawValue)))
            throw new FuzzFinding("the header fields depend on how the message was split into writes");

        // The spool always starts with the Received field Outpost adds, so a message opening with its blank line is not compared.
        var split = message.AsSpan().IndexOf("\r\n\r\n"u8);
        if (!message.AsSpan().StartsWith("\r\n"u8))
        {
            var body = split < 0 ? [] : message.AsSpan(split + 4);
            if (!SHA256.HashData(RelaxedBody(body)).AsSpan().SequenceEqual(hash))
                throw new FuzzFinding("the body hash differs from the relaxed canonicalisation of RFC 6376 §3.4.4");
        }

        // Each field's canonical form is one line only where the spool's promise holds: every line ends in
        // CRLF and holds no other CR or LF (SMTP refuses the rest, the API splits at them).
        if (!StrictLines(message))
            return;
        // Only a field with a proper name (printable ASCII, RFC 5322 §3.6.8) can be one the signer picks: a
        // line with no colon before a folded one makes a "name" with CRLF in it, which matches no signed name.
        foreach (var (name, raw) in fields.Where(f => f.Name.Length > 0 && f.Name.All(c => c is > ' ' and < '\x7f')))
        {
            var canonical = new List<byte>();
            RelaxedHeader.Append(canonical, name, raw, finalCrlf: true);
            var text = canonical.ToArray().AsSpan();
            if (!text.EndsWith("\r\n"u8) || text[..^2].IndexOfAny((byte)'\r', (byte)'\n') >= 0)
                throw new FuzzFinding($"the canonical {name} field is not one line");
            var value = text[(text.IndexOf((byte)':') + 1)..^2];
            if (value.IndexOf("  "u8) >= 0 || value.IndexOf((byte)'\t') >= 0 || value.StartsWith(" "u8) || value.EndsWith(" "u8))
                throw new FuzzFinding($"the canonical {name} field keeps whitespace the relaxed form removes");
        }
    }

    static bool StrictLines(ReadOnlySpan<byte> message)
    {
        for (var i = 0; i < message.Length; i++)
        {
            if (message[i] == (byte)'\r' && (i + 1 == message.Length || message[i + 1] != (byte)'\n'))
                return false;
            if (message[i] == (byte)'\n' && (i == 0 || message[i - 1] != (byte)'\r'))
                return false;
        }
        return true;
    }

    static (IReadOnlyList<(string Name, byte[] RawValue)> Fields, byte[] Hash) Canonicalise(byte[] message, byte chunkSeed)
    {
        using var view = new SignedMessageView();
        var source = new ChunkedStream(message, chunkSeed);
        var buffer = new byte[message.Length + 1];
        int read;
        while ((read = source.Read(buffer)) > 0)
            view.Write(buffer.AsSpan(0, read));
        return (view.Fields(), view.BodyHash());
    }

    /// <summary>
    /// RFC 6376 §3.4.4 as written, line by line: lines end in CRLF (a lone CR or LF is content); spaces and
    /// tabs at a line's end go, runs of them inside become one space; empty lines at the end go; a
    /// non-empty body ends in CRLF.
    /// </summary>
    static byte[] RelaxedBody(ReadOnlySpan<byte> body)
    {
        var lines = new List<List<byte>>();
        while (true)
        {
            var crlf = body.IndexOf("\r\n"u8);
            var line = crlf < 0 ? body : body[..crlf];
            if (crlf >= 0 || !line.IsEmpty)
                lines.Add(Collapse(line));
            if (crlf < 0)
                break;
            body = body[(crlf + 2)..];
        }
        while (lines.Count > 0 && lines[^1].Count == 0)
            lines.RemoveAt(lines.Count - 1);
        var output = new List<byte>();
        foreach (var line in lines)
        {
            output.AddRange(line);
            output.Add((byte)'\r');
            output.Add((byte)'\n');
        }
        return [.. output];
    }

    static List<byte> Collapse(ReadOnlySpan<byte> line)
    {
        var output = new List<byte>();
        var space = false;
        foreach (var b in line)
        {
            if (b is (byte)' ' or (byte)'\t')
            {
                space = true;
                continue;
            }
            if (space)
                output.Add((byte)' ');
            space = false;
            output.Add(b);
        }
        return output;
    }
}
