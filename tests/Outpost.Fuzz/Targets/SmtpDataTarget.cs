using System.Text;
using Outpost.Smtp;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// The DATA reader: the input is the message a client sends after <c>DATA</c> (its first byte picks the
/// read sizes), on a trusted relay session whose envelope is already given. A second, plain reading of
/// the same bytes (<see cref="Expected"/>) says what must be stored: the message is committed exactly
/// when every line up to the lone "." ends in CRLF with no other CR or LF, no line is longer than 998
/// octets and the whole stays within the size limit; and then the sink holds those lines, dot-unstuffed.
/// </summary>
internal sealed class SmtpDataTarget : IFuzzTarget
{
    static readonly byte[] Preamble = Encoding.ASCII.GetBytes("EHLO fuzz.example\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n");

    public string Name => "smtp-data";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var data = input[1..];
        var (backend, _) = SessionRunner.Run([.. Preamble, .. data], input[0], ListenerMode.Relay);
        var expected = Expected(data, SessionRunner.Options.MaxMessageSize, SessionRunner.Options.MaxDataLine);
        var first = backend.Sinks.FirstOrDefault();
        if (first is null)
            throw new FuzzFinding("DATA opened no message");
        if (expected is null)
        {
            if (first.Committed)
                throw new FuzzFinding("a message was committed that should have been refused");
            return;
        }
        if (!first.Committed)
            throw new FuzzFinding("a well-formed message within the limits was not committed");
        if (!first.Data.AsSpan().SequenceEqual(expected))
            throw new FuzzFinding($"the stored message differs from the one sent: stored {first.Data.Length} bytes, sent {expected.Length}");
    }

    /// <summary>The bytes a correct reader stores for <paramref name="data"/>, or null when it must refuse (or the client went away first).</summary>
    static byte[]? Expected(ReadOnlySpan<byte> data, long maxSize, int maxLine)
    {
        var stored = new List<byte>();
        long size = 0;
        var refused = false;
        while (true)
        {
            var lf = data.IndexOf((byte)'\n');
            if (lf < 0)
                return null;
            var line = data[..lf];
            data = data[(lf + 1)..];
            if (line.IsEmpty || line[^1] != (byte)'\r' || line[..^1].IndexOf((byte)'\r') >= 0)
                return null;
            var content = line[..^1];
            if (content.SequenceEqual("."u8))
                return refused ? null : [.. stored];
            if (content.Length > maxLine - 2)
            {
                refused = true;
                continue;
            }
            if (content.Length > 0 && content[0] == (byte)'.')
                content = content[1..];
            size += content.Length + 2;
            if (size > maxSize)
                refused = true;
            if (!refused)
            {
                stored.AddRange(content);
                stored.Add((byte)'\r');
                stored.Add((byte)'\n');
            }
        }
    }
}
