namespace Outpost.Smtp.Tests;

public sealed class SmtpReplyTests
{
    [Fact]
    public void A_multi_line_reply_uses_dashes_on_all_but_the_last_line()
    {
        var wire = new SmtpReply(250, "", "host greets you\nPIPELINING\nSIZE 10").ToWire();
        Assert.Equal("250-host greets you\r\n250-PIPELINING\r\n250 SIZE 10\r\n", wire);
    }

    [Fact]
    public void The_size_limit_is_told_in_megabytes()
    {
        Assert.Equal("552 5.3.4 Message exceeds the 25 MB limit; share large files through a link instead", SmtpReplies.MessageTooBig(25 * 1024 * 1024).ToString());
    }
}
