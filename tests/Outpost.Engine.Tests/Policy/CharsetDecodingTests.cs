using System.Text;
using MimeKit;
using Outpost.Engine.Policy;

namespace Outpost.Engine.Tests.Policy;

/// <summary>
/// The content checks read legacy charsets as text, not as Latin-1 mojibake. The bytes are written out
/// by hand so that the test does not register the code pages itself: the Engine has to.
/// </summary>
public sealed class CharsetDecodingTests
{
    static MessageContent Extract(string contentType, byte[] body, string subject = "=?gb18030?b?sunIyw==?=")
    {
        var head = Encoding.ASCII.GetBytes(
            "From: a@example.net\r\nTo: b@example.com\r\n" + $"Subject: {subject}\r\n" +
            $"MIME-Version: 1.0\r\nContent-Type: {contentType}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        var raw = head.Concat(body).Concat("\r\n"u8.ToArray()).ToArray();
        var message = MimeMessage.Load(new MemoryStream(raw));
        return ContentExtractor.Extract(message, raw.Length);
    }

    [Theory]
    [InlineData("gbk")]
    [InlineData("gb18030")]
    [InlineData("gb2312")]
    public void Simplified_Chinese_in_GBK_and_GB18030_is_read_as_Chinese(string charset)
    {
        // 查人 价格 in GBK (GB18030 and GB2312 share these bytes).
        var content = Extract($"text/plain; charset=\"{charset}\"", [0xB2, 0xE9, 0xC8, 0xCB, 0x20, 0xBC, 0xDB, 0xB8, 0xF1]);
        Assert.Contains("查人 价格", content.Text);
        Assert.Equal("查人", content.Subject);
    }

    [Fact]
    public void Traditional_Chinese_in_Big5_is_read_as_Chinese()
    {
        var content = Extract("text/plain; charset=big5", [0xB1, 0x7A, 0xA6, 0x6E], "=?big5?b?sXqmbg==?=");
        Assert.Contains("您好", content.Text);
        Assert.Equal("您好", content.Subject);
    }

    [Fact]
    public void The_euro_sign_of_windows_1252_and_iso_8859_15_survives()
    {
        Assert.Contains("50 €", Extract("text/plain; charset=windows-1252", [0x35, 0x30, 0x20, 0x80]).Text);
        Assert.Contains("50 €", Extract("text/html; charset=iso-8859-15", "<p>50 "u8.ToArray().Append((byte)0xA4).Concat("</p>"u8.ToArray()).ToArray()).Text);
    }
}
