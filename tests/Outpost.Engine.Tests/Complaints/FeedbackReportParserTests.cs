using System.Text;
using Outpost.Engine.Complaints;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Complaints;

/// <summary>The parser on ARF reports of several shapes, broken ones, and complaints people forwarded.</summary>
public sealed class FeedbackReportParserTests
{
    static FeedbackReport Parse(string text) => FeedbackReportParser.Parse(ReportSamples.Bytes(text));

    [Fact]
    public void An_abuse_report_with_the_whole_original_gives_every_field_and_the_queue_id()
    {
        var report = Parse(ReportSamples.AbuseWithMessage);
        Assert.Null(report.Problem);
        Assert.Equal(ReportKinds.Arf, report.Kind);
        Assert.Equal("abuse", report.FeedbackType);
        Assert.Equal("RemoteFBL/2.1", report.UserAgent);
        Assert.Equal("1", report.Version);
        Assert.Equal("alice@example.com", report.OriginalMailFrom);
        Assert.Equal(["bob@remote.test"], report.OriginalRcptTo);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 5, TimeSpan.Zero), report.ArrivalDate);
        Assert.Equal("127.0.0.1", report.SourceIp);
        Assert.Equal("example.com", report.ReportedDomain);
        Assert.Equal("dns; mx.remote.test", report.ReportingMta);
        Assert.Equal("feedback@fbl.remote.test", report.Reporter);
        Assert.StartsWith("This is an email abuse report", report.Comment);
        var original = report.Original!;
        Assert.Equal("01KBZ8Q6XJ0000A1", original.QueueId);
        Assert.Equal("invoice-4711@example.com", original.MessageId);
        Assert.Equal("alice@example.com", original.From);
        Assert.Equal(["bob@remote.test"], original.Recipients);
        Assert.Equal("Invoice 4711", original.Subject);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), original.Date);
    }

    [Fact]
    public void Without_x_outpost_id_the_queue_id_comes_from_outposts_received_line()
    {
        var report = Parse(ReportSamples.AbuseWithMessage.Replace("X-Outpost-Id: 01KBZ8Q6XJ0000A1\n", "", StringComparison.Ordinal));
        Assert.Equal("01KBZ8Q6XJ0000A1", report.Original!.QueueId);
        // Someone else's Received line with an id is no queue id of ours.
        var foreign = Parse(ReportSamples.AbuseWithMessage.Replace("X-Outpost-Id: 01KBZ8Q6XJ0000A1\n", "", StringComparison.Ordinal)
            .Replace("(Outpost)", "(Postfix)", StringComparison.Ordinal));
        Assert.Null(foreign.Original!.QueueId);
    }

    [Fact]
    public void A_fraud_report_with_headers_only_reads_the_original_headers()
    {
        var report = Parse(ReportSamples.FraudWithHeaders);
        Assert.Null(report.Problem);
        Assert.Equal("fraud", report.FeedbackType);
        Assert.Empty(report.OriginalRcptTo);
        Assert.Equal("acct-1@example.com", report.Original!.MessageId);
        Assert.Equal(["carol@isp.test"], report.Original.Recipients);
        Assert.Null(report.Original.QueueId);
        Assert.Equal("fbl@isp.test", report.Reporter);
    }

    [Fact]
    public void Redacted_addresses_are_read_as_they_are_and_recognised_as_redacted()
    {
        var report = Parse(ReportSamples.Redacted);
        Assert.Equal(["xxxxxxxxxx@remote.test"], report.OriginalRcptTo);
        Assert.Equal(["redacted@remote.test"], report.Original!.Recipients);
        Assert.True(ReportAddresses.LooksRedacted("xxxxxxxxxx@remote.test"));
        Assert.True(ReportAddresses.LooksRedacted("redacted@remote.test"));
        Assert.True(ReportAddresses.LooksRedacted("****@remote.test"));
        Assert.True(ReportAddresses.LooksRedacted("3f2a9c0d41b7e8a65c1d@remote.test"));
        Assert.False(ReportAddresses.LooksRedacted("bob@remote.test"));
        Assert.False(ReportAddresses.LooksRedacted("max@remote.test"));
    }

    [Fact]
    public void Base64_encoded_parts_are_decoded()
    {
        var report = Parse(ReportSamples.Base64Parts());
        Assert.Null(report.Problem);
        Assert.Equal("abuse", report.FeedbackType);
        Assert.Equal(["dave@remote.test"], report.OriginalRcptTo);
        Assert.Equal("01KBZ8Q6XJ0000B2", report.Original!.QueueId);
        Assert.Equal("b64@example.com", report.Original.MessageId);
    }

    [Fact]
    public void A_report_forwarded_by_a_person_is_still_read_as_the_report_with_its_own_original()
    {
        var report = Parse(ReportSamples.ReportInAForward());
        Assert.Equal(ReportKinds.Arf, report.Kind);
        Assert.Equal("abuse", report.FeedbackType);
        Assert.Equal("01KBZ8Q6XJ0000A1", report.Original!.QueueId);
    }

    [Theory]
    [InlineData(nameof(ReportSamples.NoFeedbackPart), "has no message/feedback-report part")]
    [InlineData(nameof(ReportSamples.NoFeedbackType), "has no Feedback-Type field")]
    [InlineData(nameof(ReportSamples.Bounce), "delivery status notification (a bounce), not a complaint")]
    [InlineData(nameof(ReportSamples.JustText), "neither a feedback report (RFC 5965) nor a forwarded message")]
    public void A_broken_or_foreign_report_says_why_it_cannot_be_read(string sample, string sentence)
    {
        var text = (string)typeof(ReportSamples).GetField(sample)!.GetValue(null)!;
        var report = Parse(text);
        Assert.NotNull(report.Problem);
        Assert.Contains(sentence, report.Problem);
    }

    [Fact]
    public void Bytes_that_are_not_mail_at_all_come_back_with_a_sentence_not_an_exception()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var report = FeedbackReportParser.Parse(garbage);
        Assert.NotNull(report.Problem);
        Assert.Equal(ReportKinds.Unknown, report.Kind);
        Assert.NotNull(FeedbackReportParser.Parse([]).Problem);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_not_followed()
    {
        // A feedback report wrapped in more forwards than MaxDepth allows.
        var text = ReportSamples.AbuseWithMessage;
        for (var i = 0; i < FeedbackReportParser.MaxDepth + 2; i++)
            text = $"From: p{i}@remote.test\nTo: abuse@outpost.test\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"n{i}\"\n\n--n{i}\nContent-Type: message/rfc822\n\n{text}\n--n{i}--\n";
        var report = Parse(text);
        Assert.NotEqual(ReportKinds.Arf, report.Kind);
        Assert.Equal(ReportKinds.Arf, Parse(ReportSamples.ReportInAForward()).Kind);
    }

    [Fact]
    public void A_long_field_value_is_shortened_and_many_recipients_are_bounded()
    {
        var rcpts = string.Concat(Enumerable.Range(0, 40).Select(i => $"Original-Rcpt-To: <r{i}@remote.test>\n"));
        var text = ReportSamples.AbuseWithMessage
            .Replace("User-Agent: RemoteFBL/2.1", "User-Agent: " + new string('A', 5000), StringComparison.Ordinal)
            .Replace("Original-Rcpt-To: <bob@remote.test>\n", rcpts, StringComparison.Ordinal);
        var report = Parse(text);
        Assert.Equal(FeedbackReportParser.MaxValue, report.UserAgent!.Length);
        Assert.Equal(20, report.OriginalRcptTo.Count);
    }

    [Fact]
    public void An_auth_failure_or_not_spam_report_is_read_but_is_no_complaint()
    {
        var report = Parse(ReportSamples.NotSpam);
        Assert.Null(report.Problem);
        Assert.Equal(FeedbackTypes.NotSpam, report.FeedbackType);
        Assert.False(FeedbackTypes.IsComplaint(report.FeedbackType!));
        Assert.False(FeedbackTypes.IsComplaint(FeedbackTypes.AuthFailure));
        Assert.True(FeedbackTypes.IsComplaint(FeedbackTypes.Fraud));
    }

    [Fact]
    public void A_gmail_forward_gives_the_quoted_sender_recipient_date_and_the_persons_words()
    {
        var report = Parse(ReportSamples.GmailForward);
        Assert.Null(report.Problem);
        Assert.Equal(ReportKinds.Forwarded, report.Kind);
        Assert.Equal(FeedbackTypes.Abuse, report.FeedbackType);
        Assert.Equal("bob@remote.test", report.Reporter);
        Assert.Equal("I never asked for this, please make it stop.", report.Comment);
        var original = report.Original!;
        Assert.Equal("alice@example.com", original.From);
        Assert.Equal(["bob@remote.test"], original.Recipients);
        Assert.Equal("Invoice 4711", original.Subject);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), original.Date);
        Assert.Null(original.MessageId);
    }

    [Fact]
    public void An_outlook_forward_quoted_with_angle_brackets_is_read()
    {
        var report = Parse(ReportSamples.OutlookForward);
        Assert.Equal(ReportKinds.Forwarded, report.Kind);
        Assert.Equal("alice@example.com", report.Original!.From);
        Assert.Equal(["carol@isp.test"], report.Original.Recipients);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), report.Original.Date);
        Assert.Equal("Spam.", report.Comment);
    }

    [Fact]
    public void An_html_only_forward_is_read_from_its_text()
    {
        var report = Parse(ReportSamples.AppleHtmlForward);
        Assert.Equal(ReportKinds.Forwarded, report.Kind);
        Assert.Equal("alice@example.com", report.Original!.From);
        Assert.Equal(["erin@remote.test"], report.Original.Recipients);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), report.Original.Date);
        Assert.Equal("Offer", report.Original.Subject);
    }

    [Fact]
    public void An_attached_original_is_read_with_the_persons_words()
    {
        var report = Parse(ReportSamples.AttachedForward);
        Assert.Equal(ReportKinds.Forwarded, report.Kind);
        Assert.Equal("frank@remote.test", report.Reporter);
        Assert.Equal("Reporting this as spam.", report.Comment);
        Assert.Equal("01KBZ8Q6XJ0000C3", report.Original!.QueueId);
        Assert.Equal("news-1@example.com", report.Original.MessageId);
    }

    [Fact]
    public void Pasted_headers_in_a_forward_give_the_queue_id()
    {
        var text = ReportSamples.GmailForward.Replace("To: <bob@remote.test>\n", "To: <bob@remote.test>\nX-Outpost-Id: 01KBZ8Q6XJ0000D4\n", StringComparison.Ordinal);
        Assert.Equal("01KBZ8Q6XJ0000D4", Parse(text).Original!.QueueId);
    }

    [Theory]
    [InlineData("Fri, 27 Nov 2026 10:00:00 +0000")]
    [InlineData("Fri, Nov 27, 2026 at 10:00 AM")]
    [InlineData("Friday, November 27, 2026 10:00 AM")]
    [InlineData("27 November 2026 at 10:00:00 GMT")]
    [InlineData("Fri, 27 Nov 2026 11:00:00 +0100")]
    public void Dates_as_mail_programs_quote_them_are_read(string value) =>
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), InlineForward.ParseDate(value));

    [Fact]
    public void Queue_ids_and_message_ids_are_checked_before_use()
    {
        Assert.Equal("01KBZ8Q6XJ0000A1", FeedbackReportParser.QueueIdFrom(" <01kbz8q6xj0000a1> "));
        Assert.Null(FeedbackReportParser.QueueIdFrom("../../etc/passwd"));
        Assert.Null(FeedbackReportParser.QueueIdFrom("01KBZ8Q6XJ0000A"));
        Assert.Equal("a@b", MessageIdValue.Parse(" <a@b> (comment)"));
        Assert.Null(MessageIdValue.Parse("   "));
        Assert.Null(MessageIdValue.Parse(new string('x', 2000)));
    }

    [Fact]
    public void Crlf_and_lf_reports_read_the_same()
    {
        var lf = FeedbackReportParser.Parse(Encoding.UTF8.GetBytes(ReportSamples.AbuseWithMessage.Replace("\r\n", "\n", StringComparison.Ordinal)));
        var crlf = Parse(ReportSamples.AbuseWithMessage);
        Assert.Equal(crlf.Original!.QueueId, lf.Original!.QueueId);
        Assert.Equal(crlf.OriginalRcptTo, lf.OriginalRcptTo);
    }
}
