using System.Net;
using System.Net.Sockets;
using MimeKit;
using Outpost.Engine.Bounces;
using Outpost.Engine.Delivery;
using Outpost.Engine.Dns;
using Outpost.Smtp.Client;

namespace Outpost.Engine.Tests.Delivery;

/// <summary>Every kind of failure of a remote try, and what it counts as: the reply its attempt records, its class, whether the connection was lost.</summary>
public sealed class FailureClassifierTests
{
    static readonly IPAddress Address = IPAddress.Parse("127.0.0.10");

    [Fact]
    public void Replies_are_read_by_the_bounce_rules_on_one_line()
    {
        Assert.Equal((BounceClass.Delivered, "250 2.0.0 Ok"), FailureClassifier.OfReply(new RemoteReply(250, "2.0.0 Ok")));
        Assert.Equal((BounceClass.PermanentRecipient, "550 5.1.1 <bob@remote.test>: user unknown"),
            FailureClassifier.OfReply(new RemoteReply(550, "5.1.1 <bob@remote.test>:\nuser unknown")));
        Assert.Equal(BounceClass.PermanentPath, FailureClassifier.OfReply(new RemoteReply(554, "5.7.1 Service unavailable; client host [192.0.2.25] blocked using zen.spamhaus.org")).Class);
        Assert.Equal(BounceClass.Temporary, FailureClassifier.OfReply(new RemoteReply(451, "4.7.1 greylisted, try again later")).Class);
    }

    /// <summary>Found by the bounce fuzz target (tests/fuzz): "354 s.or" and "351 " were counted as delivered, so a server that answered the end of DATA with a 3xx lost the message.</summary>
    [Theory]
    [InlineData(354, "s.or")]
    [InlineData(351, "")]
    [InlineData(334, "VXNlcm5hbWU6")]
    public void A_3xx_reply_is_no_delivery_but_a_temporary_failure(int code, string text)
    {
        var (cls, line) = FailureClassifier.OfReply(new RemoteReply(code, text));
        Assert.Equal(BounceClass.Temporary, cls);
        Assert.StartsWith(code.ToString(System.Globalization.CultureInfo.InvariantCulture), line);
    }

    [Fact]
    public void Refused_credentials_say_so_and_a_transient_refusal_keeps_the_relays_words()
    {
        var refused = FailureClassifier.OfConnect(new RemoteRefusalException(SmtpClientConnection.AuthStage, new RemoteReply(535, "5.7.8 bad credentials")), "relay-1", "smtp.relay.test", Address);
        var busy = FailureClassifier.OfConnect(new RemoteRefusalException(SmtpClientConnection.AuthStage, new RemoteReply(454, "4.7.0 try later")), "relay-1", "smtp.relay.test", Address);

        Assert.Equal("535 5.7.8 The relay smtp.relay.test refused the channel's credentials: 535 5.7.8 bad credentials", refused!.Value.Reply);
        Assert.Null(refused.Value.Code);
        Assert.False(refused.Value.ConnectionLost);
        Assert.Equal("454 4.7.0 try later", busy!.Value.Reply);
        Assert.Equal(BounceClass.Temporary, busy.Value.Class);
    }

    [Fact]
    public void A_host_that_cannot_be_reached_is_a_lost_connection_and_a_greeting_that_blames_us_fails_over_at_once()
    {
        var unreachable = FailureClassifier.OfConnect(new SocketException((int)SocketError.ConnectionRefused), "direct-1", "mx.remote.test", Address)!.Value;
        var blocked = FailureClassifier.OfConnect(new RemoteRefusalException("greeting", new RemoteReply(554, "5.7.1 Your address is on our block list")), "direct-1", "mx.remote.test", Address)!.Value;

        Assert.StartsWith("451 4.4.1 Cannot connect to mx.remote.test [127.0.0.10] through channel direct-1: ", unreachable.Reply);
        Assert.True(unreachable.ConnectionLost);
        Assert.Equal(BounceClass.Temporary, unreachable.Class);
        Assert.Equal(BounceClass.PermanentPath, blocked.Class);
        Assert.Null(FailureClassifier.OfConnect(new InvalidOperationException("a bug"), "direct-1", "mx.remote.test", Address));
    }

    [Fact]
    public void A_relay_password_the_key_ring_cannot_open_defers_with_the_operators_fix()
    {
        var sealedWrong = FailureClassifier.OfConnect(new System.Security.Cryptography.CryptographicException("The key was not found in the key ring."), "relay-1", "smtp.relay.test", Address)!.Value;

        Assert.Equal("451 4.3.5 The relay password of channel relay-1 cannot be opened with this data directory's key ring; give the channel its password again", sealedWrong.Reply);
        Assert.Equal(BounceClass.Temporary, sealedWrong.Class);
        Assert.False(sealedWrong.ConnectionLost);
    }

    [Fact]
    public void Failures_while_sending_wait_bounce_or_pass_through()
    {
        var missing = FailureClassifier.OfSend(new FileNotFoundException("gone"), "mx.remote.test")!.Value;
        var broken = FailureClassifier.OfSend(new IOException("reset\nby peer"), "mx.remote.test")!.Value;
        var unreadable = FailureClassifier.OfSend(new FormatException("bad header"), "mx.remote.test")!.Value;

        Assert.Equal(new TryFailure(BounceClass.Temporary, null, "451 4.3.0 The message's spool file cannot be read; it waits for the next try", false), missing);
        Assert.Equal(new TryFailure(BounceClass.Temporary, null, "451 4.4.2 The connection to mx.remote.test broke: reset by peer", true), broken);
        Assert.Equal(new TryFailure(BounceClass.PermanentContent, 554, "554 5.6.0 The message cannot be read for sending: bad header", false), unreadable);
        Assert.Equal(BounceClass.PermanentContent, FailureClassifier.OfSend(new ParseException("truncated", 0, 0), null)!.Value.Class);
        Assert.Null(FailureClassifier.OfSend(new InvalidOperationException("a bug"), "mx.remote.test"));
    }

    [Fact]
    public void Only_a_domain_without_mail_servers_is_decided_by_DNS()
    {
        Assert.Equal((550, "550 5.1.10 The recipient's domain accepts no mail (null MX)"),
            FailureClassifier.OfResolution(new MxResolution(MxResolutionStatus.NullMx, [], "null MX")));
        Assert.Null(FailureClassifier.OfResolution(new MxResolution(MxResolutionStatus.TemporaryFailure, [], "timeout")));
        Assert.Null(FailureClassifier.OfResolution(new MxResolution(MxResolutionStatus.Ok, [new MxHost("mx.remote.test", 10, [Address])], "")));
        Assert.Null(FailureClassifier.OfResolution(null));
        Assert.Equal((451, FailureClassifier.CoolingDown.Reply), (FailureClassifier.CoolingDown.Code, FailureClassifier.CoolingDown.Reply));
    }
}
