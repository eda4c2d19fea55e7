using Outpost.Engine.Bounces;

namespace Outpost.Engine.Tests.Bounces;

/// <summary>Replies in the style large mailbox providers send (written for these tests), and the class each must get.</summary>
public sealed class BounceClassifierTests
{
    [Theory]
    // Gmail
    [InlineData(550, "550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos", BounceClass.PermanentRecipient)]
    [InlineData(550, "550-5.7.1 [192.0.2.25] Our system has detected that this message is likely unsolicited mail. To reduce the amount of spam sent to Gmail, this message has been blocked.", BounceClass.PermanentPath)]
    [InlineData(421, "421-4.7.0 [192.0.2.25] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited.", BounceClass.Temporary)]
    [InlineData(552, "552-5.2.2 The recipient's inbox is out of storage space. Please direct the recipient to", BounceClass.PermanentRecipient)]
    [InlineData(550, "550-5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM.", BounceClass.PermanentPath)]
    [InlineData(552, "552-5.7.0 This message was blocked because its content presents a potential security issue.", BounceClass.PermanentPath)]
    // Outlook / Microsoft 365
    [InlineData(550, "550 5.7.1 Unfortunately, messages from [192.0.2.25] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150).", BounceClass.PermanentPath)]
    [InlineData(550, "550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302).", BounceClass.PermanentRecipient)]
    [InlineData(550, "550 5.7.606 Access denied, banned sending IP [192.0.2.25]. To request removal from this list please visit https://sender.office.com/", BounceClass.PermanentPath)]
    [InlineData(451, "451 4.7.500 Server busy. Please try again later from [192.0.2.25]. (S77719)", BounceClass.Temporary)]
    [InlineData(550, "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)", BounceClass.PermanentPath)]
    // Yahoo
    [InlineData(554, "554 5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes", BounceClass.PermanentContent)]
    [InlineData(421, "421 4.7.0 [TSS04] Messages from 192.0.2.25 temporarily deferred due to unexpected volume or user complaints", BounceClass.Temporary)]
    [InlineData(553, "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.25, because the ip is in Spamhaus's list", BounceClass.PermanentPath)]
    [InlineData(554, "554 delivery error: dd This user doesn't have a yahoo.com account (someone@yahoo.com) [0]", BounceClass.PermanentRecipient)]
    // GMX / web.de
    [InlineData(554, "554-gmx.net (mxgmx017) Nemesis ESMTP Service not available 554-No SMTP service 554-IP address is block listed.", BounceClass.PermanentPath)]
    [InlineData(550, "550 Requested action not taken: mailbox unavailable / Empfänger unbekannt", BounceClass.PermanentRecipient)]
    [InlineData(554, "554-Transaction failed 554-Reject due to policy restrictions. 554 For explanation visit https://web.de/email/senderguidelines?ip=192.0.2.25&c=hi", BounceClass.PermanentPath)]
    // QQ
    [InlineData(550, "550 Mailbox not found. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000728", BounceClass.PermanentRecipient)]
    [InlineData(550, "550 Ip frequency limited [MI:IP]. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000725", BounceClass.PermanentPath)]
    [InlineData(451, "451 Temporary local problem - please try later", BounceClass.Temporary)]
    [InlineData(550, "550 Mail content denied. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000726", BounceClass.PermanentContent)]
    // 163 / NetEase
    [InlineData(550, "550 User not found: someone@163.com", BounceClass.PermanentRecipient)]
    [InlineData(554, "554 DT:SPM 163 smtp13, EcCowAD3", BounceClass.Permanent)]
    [InlineData(550, "550 MI:IP 192.0.2.25 被列入黑名单", BounceClass.PermanentPath)]
    [InlineData(451, "451 MI:SFQ 发信人在15分钟内的发信数量超过限制", BounceClass.Temporary)]
    [InlineData(554, "554 RP:CEL 192.0.2.25 connection refused by too many errors", BounceClass.PermanentPath)]
    // Generic
    [InlineData(250, "250 2.0.0 OK", BounceClass.Delivered)]
    [InlineData(550, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", BounceClass.PermanentRecipient)]
    [InlineData(552, "552 5.3.4 Message size exceeds fixed maximum message size", BounceClass.PermanentContent)]
    [InlineData(554, "554 5.7.1 Service unavailable; client host [192.0.2.25] blocked using zen.spamhaus.org", BounceClass.PermanentPath)]
    [InlineData(500, "500 5.5.1 Unrecognized command", BounceClass.Permanent)]
    public void Provider_replies_get_their_class(int code, string reply, BounceClass expected) =>
        Assert.Equal(expected, BounceClassifier.Default.Classify(code, reply));

    [Fact]
    public void A_bad_rule_is_refused_with_its_line()
    {
        var ex = Assert.Throws<FormatException>(() => new BounceClassifier(["sometimes | 5xx | * | *"]));
        Assert.Contains("sometimes", ex.Message);
    }
}
