using System.Text;
using Outpost.Smtp.Client;

namespace Outpost.Smtp.Tests.Client;

public sealed class DotStufferTests
{
    /// <summary>Stuffs <paramref name="message"/> fed in the given chunk sizes, finish included.</summary>
    static byte[] Stuff(byte[] message, params int[] chunks)
    {
        var stuffer = new DotStuffer();
        var output = new List<byte>();
        var offset = 0;
        var i = 0;
        while (offset < message.Length)
        {
            var length = Math.Min(chunks.Length == 0 ? message.Length : chunks[i++ % chunks.Length], message.Length - offset);
            var buffer = new byte[DotStuffer.MaxOutput(length)];
            var written = stuffer.Stuff(message.AsSpan(offset, length), buffer);
            output.AddRange(buffer.AsSpan(0, written).ToArray());
            offset += length;
        }
        var end = new byte[8];
        output.AddRange(end.AsSpan(0, stuffer.Finish(end)).ToArray());
        return [.. output];
    }

    /// <summary>What a receiver does (RFC 5321 §4.5.2): read CRLF lines up to the lone dot, drop one leading dot.</summary>
    static string Receive(byte[] wire)
    {
        var text = Encoding.Latin1.GetString(wire);
        if (text == ".\r\n")
            return "";
        var end = text.IndexOf("\r\n.\r\n", StringComparison.Ordinal);
        Assert.Equal(text.Length - 5, end);
        var lines = text[..(end + 2)].Split("\r\n")[..^1];
        return string.Concat(lines.Select(l => (l.StartsWith('.') ? l[1..] : l) + "\r\n"));
    }

    [Theory]
    [InlineData("plain\r\n", "plain\r\n")]
    [InlineData(".starts with a dot\r\n", "..starts with a dot\r\n")]
    [InlineData("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n")]
    [InlineData("a\r\n..\r\n", "a\r\n...\r\n")]
    [InlineData("a.b\r\n", "a.b\r\n")]
    [InlineData("no final line end", "no final line end\r\n")]
    [InlineData("", "")]
    [InlineData("bare\n.\nlf\r\n", "bare\n..\nlf\r\n")]
    public void Dots_that_begin_a_line_are_doubled_and_the_end_is_marked_once(string message, string expectedBody)
    {
        var wire = Stuff(Encoding.Latin1.GetBytes(message));
        Assert.Equal(expectedBody + ".\r\n", Encoding.Latin1.GetString(wire));
    }

    [Fact]
    public void A_dot_after_a_chunk_that_ended_a_line_is_doubled()
    {
        var message = Encoding.Latin1.GetBytes("one\r\n.two\r\n");
        Assert.Equal("one\r\n..two\r\n.\r\n", Encoding.Latin1.GetString(Stuff(message, 5, 100)));
        Assert.Equal("one\r\n..two\r\n.\r\n", Encoding.Latin1.GetString(Stuff(message, 1)));
        // A final CRLF split across chunks still ends the message's last line: no second CRLF.
        Assert.Equal("x\r\n.\r\n", Encoding.Latin1.GetString(Stuff(Encoding.Latin1.GetBytes("x\r\n"), 2, 1)));
    }

    [Fact]
    public void Random_messages_in_random_chunks_arrive_unchanged()
    {
        var random = new Random(7);
        string[] pieces = [".", "..", "\r\n", "\r\n.", "\r\n.\r\n", "text", " ", "\n", "\n.", "\r", "ü", "...\r\n"];
        for (var round = 0; round < 500; round++)
        {
            var message = new StringBuilder();
            for (var n = random.Next(0, 40); n > 0; n--)
                message.Append(pieces[random.Next(pieces.Length)]);
            // A receiver's lines are CRLF lines: bare CR and LF stay inside a line there.
            var text = message.ToString().Replace("\r\n", "\u0001").Replace("\r", "").Replace("\n", "").Replace("\u0001", "\r\n");
            var bytes = Encoding.UTF8.GetBytes(text);
            var chunks = Enumerable.Range(0, 5).Select(_ => random.Next(1, 9)).ToArray();
            var wire = Stuff(bytes, chunks);

            Assert.Equal(Stuff(bytes), wire);
            var expected = Encoding.Latin1.GetString(bytes);
            if (expected.Length > 0 && !expected.EndsWith("\r\n", StringComparison.Ordinal))
                expected += "\r\n";
            Assert.Equal(expected, Receive(wire));
        }
    }
}
