using System.Text;
using Outpost.Engine.Submission;

namespace Outpost.Engine.Tests.Submission;

public sealed class HeaderScannerTests
{
    static HeaderLineKind[] Scan(HeaderScanner scanner, params string[] lines) =>
        lines.Select(l => scanner.Observe(Encoding.UTF8.GetBytes(l))).ToArray();

    [Fact]
    public void Finds_date_message_id_and_a_folded_subject()
    {
        var scanner = new HeaderScanner();
        var kinds = Scan(scanner, "DATE: Fri, 27 Nov 2026 10:00:00 +0000", "message-id: <a@b>", "Subject: part one", "\tpart two", "X-Other: y", "", "Subject: body text");
        Assert.Equal([HeaderLineKind.Header, HeaderLineKind.Header, HeaderLineKind.Header, HeaderLineKind.Header, HeaderLineKind.Header, HeaderLineKind.EndOfHeaders, HeaderLineKind.Body], kinds);
        Assert.True(scanner.HasDate);
        Assert.True(scanner.HasMessageId);
        Assert.Equal("part one\tpart two", scanner.RawSubject);
        Assert.False(scanner.InHeaders);
    }

    [Fact]
    public void A_line_that_is_no_header_starts_the_body()
    {
        var scanner = new HeaderScanner();
        var kinds = Scan(scanner, "From: a@example.com", "Just text without a blank line");
        Assert.Equal(HeaderLineKind.BodyWithoutSeparator, kinds[1]);
        Assert.False(scanner.HasDate);
        Assert.False(scanner.HasMessageId);
    }

    [Fact]
    public void A_header_name_with_a_space_is_not_a_header()
    {
        var scanner = new HeaderScanner();
        Assert.Equal(HeaderLineKind.BodyWithoutSeparator, scanner.Observe("Not a: header"u8));
    }

    [Fact]
    public void Eight_bit_bytes_count_in_header_fields_and_their_continuations_not_in_the_body()
    {
        var body = new HeaderScanner();
        Scan(body, "From: a@example.com", "Subject: plain", "", "caf\u00e9 in the body");
        Assert.False(body.HasEightBit);
        Assert.True(body.HasFrom);

        var folded = new HeaderScanner();
        Scan(folded, "From: a@example.com", "Subject: plain", " caf\u00e9", "");
        Assert.True(folded.HasEightBit);

        var field = new HeaderScanner();
        Scan(field, "Subject: caf\u00e9", "");
        Assert.True(field.HasEightBit);
        Assert.False(field.HasFrom);
    }
}
