using MimeKit;
using Outpost.Engine.Policy;

namespace Outpost.Engine.Tests.Policy;

/// <summary>What bounds the content checks' cost: the text read per message and the text fingerprinted.</summary>
public sealed class ContentLimitsTests
{
    [Fact]
    public void At_most_max_text_characters_are_read_from_a_large_message()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.com"));
        message.Body = new TextPart("plain") { Text = new string('a', 300_000) };
        var content = ContentExtractor.Extract(message, 300_000);
        Assert.InRange(content.Text.Length, ContentExtractor.MaxText, ContentExtractor.MaxText + 1);
    }

    [Fact]
    public void The_fingerprint_reads_the_first_max_chars_only()
    {
        var start = string.Concat(Enumerable.Repeat("the same template for every copy of the blast ", SimHash.MaxChars / 40));
        var a = SimHash.Compute(start + " and a tail about apples and pears", out _);
        var b = SimHash.Compute(start + " but another tail about football and weather", out _);
        Assert.Equal(a, b);
        Assert.NotEqual(a, SimHash.Compute("a different text " + start, out _));
    }
}
