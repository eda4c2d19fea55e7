using System.Text;

namespace Outpost.Engine.Tests.Complaints;

/// <summary>
/// Reports as feedback loops and people send them, written for these tests after RFC 5965's examples and
/// the forms mailbox providers use: whole originals, headers only, redacted addresses, base64 parts,
/// broken reports, and forwards from common mail programs.
/// </summary>
internal static class ReportSamples
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));

    /// <summary>An abuse report with the whole original as message/rfc822 (RFC 5965 §B.2's shape).</summary>
    public const string AbuseWithMessage = """
        From: <feedback@fbl.remote.test>
        Date: Fri, 27 Nov 2026 12:00:00 +0000
        Subject: FW: Invoice 4711
        To: <fbl@outpost.test>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report;
             boundary="part1_13d.2e68ed54_boundary"

        --part1_13d.2e68ed54_boundary
        Content-Type: text/plain; charset="US-ASCII"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP
        127.0.0.1 on Fri, 27 Nov 2026 10:00:05 +0000.

        --part1_13d.2e68ed54_boundary
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: RemoteFBL/2.1
        Version: 1
        Original-Mail-From: <alice@example.com>
        Original-Rcpt-To: <bob@remote.test>
        Arrival-Date: Fri, 27 Nov 2026 10:00:05 +0000
        Reporting-MTA: dns; mx.remote.test
        Source-IP: 127.0.0.1
        Authentication-Results: mx.remote.test; spf=pass smtp.mailfrom=alice@example.com
        Reported-Domain: example.com

        --part1_13d.2e68ed54_boundary
        Content-Type: message/rfc822
        Content-Disposition: inline

        Received: from client.test ([192.0.2.1])
        	by outpost.test (Outpost) with ESMTPSA id 01KBZ8Q6XJ0000A1;
        	Fri, 27 Nov 2026 10:00:00 +0000
        X-Outpost-Id: 01KBZ8Q6XJ0000A1
        From: Alice <alice@example.com>
        To: Bob <bob@remote.test>
        Subject: Invoice 4711
        Date: Fri, 27 Nov 2026 10:00:00 +0000
        Message-ID: <invoice-4711@example.com>
        MIME-Version: 1.0
        Content-Type: text/plain

        Dear Bob, the invoice is attached.
        --part1_13d.2e68ed54_boundary--
        """;

    /// <summary>A fraud report that carries only the original's headers (text/rfc822-headers), as many providers send.</summary>
    public const string FraudWithHeaders = """
        From: Feedback Loop <fbl@isp.test>
        To: fbl@outpost.test
        Subject: Abuse report
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type="feedback-report"; boundary="b1"

        --b1
        Content-Type: text/plain

        A user reported this message as phishing.
        --b1
        Content-Type: message/feedback-report

        Feedback-Type: fraud
        User-Agent: ISP-FBL/1.0
        Version: 1
        Original-Mail-From: alice@example.com
        Arrival-Date: Fri, 27 Nov 2026 10:00:05 +0000

        --b1
        Content-Type: text/rfc822-headers

        From: alice@example.com
        To: carol@isp.test
        Subject: Your account
        Date: Fri, 27 Nov 2026 10:00:00 +0000
        Message-ID: <acct-1@example.com>

        --b1--
        """;

    /// <summary>Addresses redacted the way providers do (RFC 6590): the recipient's local part replaced, no queue id kept.</summary>
    public const string Redacted = """
        From: <scomp@isp.test>
        To: <fbl@outpost.test>
        Subject: complaint
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="r"

        --r
        Content-Type: text/plain

        This is a complaint.
        --r
        Content-Type: message/feedback-report

        Feedback-Type: abuse
        User-Agent: Redactor/1.0
        Version: 1
        Original-Rcpt-To: <xxxxxxxxxx@remote.test>

        --r
        Content-Type: message/rfc822

        From: alice@example.com
        To: redacted@remote.test
        Subject: Meeting notes
        Date: Fri, 27 Nov 2026 10:00:00 +0000
        Message-ID: <notes-1@example.com>

        Notes.
        --r--
        """;

    /// <summary>Both the machine-readable part and the original in base64, which some providers send although RFC 5965 does not ask for it.</summary>
    public static string Base64Parts()
    {
        var fields = Convert.ToBase64String(Encoding.ASCII.GetBytes("Feedback-Type: abuse\r\nUser-Agent: B64/1\r\nVersion: 1\r\nOriginal-Rcpt-To: <dave@remote.test>\r\n"));
        var original = Convert.ToBase64String(Encoding.ASCII.GetBytes(
            "X-Outpost-Id: 01KBZ8Q6XJ0000B2\r\nFrom: alice@example.com\r\nTo: dave@remote.test\r\nSubject: Offer\r\nMessage-ID: <b64@example.com>\r\n\r\nBody\r\n"),
            Base64FormattingOptions.InsertLineBreaks);
        return $"""
            From: fbl@b64.test
            To: fbl@outpost.test
            Subject: report
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="c"

            --c
            Content-Type: text/plain

            report
            --c
            Content-Type: message/feedback-report
            Content-Transfer-Encoding: base64

            {fields}
            --c
            Content-Type: message/rfc822
            Content-Transfer-Encoding: base64

            {original.Replace("\r\n", "\n", StringComparison.Ordinal)}
            --c--
            """;
    }

    public const string NoFeedbackPart = """
        From: fbl@broken.test
        To: fbl@outpost.test
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="x"

        --x
        Content-Type: text/plain

        Something was reported.
        --x--
        """;

    public const string NoFeedbackType = """
        From: fbl@broken.test
        To: fbl@outpost.test
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="x"

        --x
        Content-Type: message/feedback-report

        User-Agent: Broken/0.1
        Version: 1

        --x
        Content-Type: message/rfc822

        X-Outpost-Id: 01KBZ8Q6XJ0000A1
        Subject: hi

        hi
        --x--
        """;

    public const string Bounce = """
        From: MAILER-DAEMON@remote.test
        To: fbl@outpost.test
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="d"

        --d
        Content-Type: text/plain

        Your message could not be delivered.
        --d
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.remote.test

        Final-Recipient: rfc822; fbl@outpost.test
        Action: failed
        Status: 5.1.1
        --d--
        """;

    public const string NotSpam = """
        From: fbl@isp.test
        To: fbl@outpost.test
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="n"

        --n
        Content-Type: message/feedback-report

        Feedback-Type: not-spam
        User-Agent: ISP-FBL/1.0
        Version: 1

        --n
        Content-Type: text/rfc822-headers

        X-Outpost-Id: 01KBZ8Q6XJ0000A1
        Subject: hi

        --n--
        """;

    /// <summary>A person forwarding an ARF report they received to the abuse address: the report is inside a message/rfc822.</summary>
    public static string ReportInAForward() => $"""
        From: postmaster@remote.test
        To: abuse@outpost.test
        Subject: Fwd: FW: Invoice 4711
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: text/plain

        Please look at the report below.
        --outer
        Content-Type: message/rfc822

        {AbuseWithMessage}
        --outer--
        """;

    /// <summary>Gmail's inline forward, with a line of the person's own.</summary>
    public const string GmailForward = """
        From: Bob <bob@remote.test>
        To: abuse@outpost.test
        Subject: Fwd: Invoice 4711
        Date: Fri, 27 Nov 2026 12:00:00 +0000
        Content-Type: text/plain; charset=UTF-8

        I never asked for this, please make it stop.

        ---------- Forwarded message ---------
        From: Alice <alice@example.com>
        Date: Fri, Nov 27, 2026 at 10:00 AM
        Subject: Invoice 4711
        To: <bob@remote.test>


        Dear Bob, the invoice is attached.
        """;

    /// <summary>Outlook's forward: a rule, then From, Sent, To, Subject, quoted with "&gt; " by a client that quotes.</summary>
    public const string OutlookForward = """
        From: carol@isp.test
        To: abuse@outpost.test
        Subject: FW: Your account
        Content-Type: text/plain

        Spam.

        > -----Original Message-----
        > From: Alice Example [mailto:alice@example.com]
        > Sent: Friday, November 27, 2026 10:00 AM
        > To: carol@isp.test
        > Subject: Your account
        >
        > Please confirm your account.
        """;

    /// <summary>Apple Mail's forward in HTML only.</summary>
    public const string AppleHtmlForward = """
        From: erin@remote.test
        To: abuse@outpost.test
        Subject: Fwd: Offer
        Content-Type: text/html; charset=utf-8

        <html><body><div>Unsubscribe me!</div><div><br><blockquote type="cite"><div>Begin forwarded message:</div><br>
        <div><b>From: </b>Alice &lt;alice@example.com&gt;</div>
        <div><b>Subject: </b>Offer</div>
        <div><b>Date: </b>27 November 2026 at 10:00:00 GMT</div>
        <div><b>To: </b>erin@remote.test</div>
        <br><div>Buy now.</div></blockquote></div></body></html>
        """;

    /// <summary>The original attached (message/rfc822) under the person's words.</summary>
    public const string AttachedForward = """
        From: frank@remote.test
        To: abuse@outpost.test
        Subject: Fwd: Newsletter
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: text/plain

        Reporting this as spam.
        --m
        Content-Type: message/rfc822

        X-Outpost-Id: 01KBZ8Q6XJ0000C3
        From: alice@example.com
        To: frank@remote.test
        Subject: Newsletter
        Message-ID: <news-1@example.com>

        News.
        --m--
        """;

    /// <summary>An ARF report about an original given as header lines, with the fields a test needs.</summary>
    public static string Arf(string feedbackType, string originalHeaders, string? rcptTo = null, string? mailFrom = null, DateTimeOffset? arrival = null,
        string originalType = "message/rfc822") =>
        "From: <feedback@fbl.remote.test>\nTo: <fbl@outpost.test>\nSubject: complaint\nMIME-Version: 1.0\n" +
        "Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\n\n" +
        "--arf\nContent-Type: text/plain\n\nA recipient complained.\n" +
        "--arf\nContent-Type: message/feedback-report\n\n" +
        $"Feedback-Type: {feedbackType}\nUser-Agent: TestFBL/1.0\nVersion: 1\n" +
        (mailFrom is null ? "" : $"Original-Mail-From: <{mailFrom}>\n") +
        (rcptTo is null ? "" : $"Original-Rcpt-To: <{rcptTo}>\n") +
        (arrival is { } at ? $"Arrival-Date: {MimeKit.Utils.DateUtils.FormatDate(at)}\n" : "") +
        $"\n--arf\nContent-Type: {originalType}\n\n{originalHeaders.TrimEnd('\n')}\n\n" + (originalType == "message/rfc822" ? "The body.\n" : "") +
        "--arf--\n";

    public const string JustText = """
        From: someone@remote.test
        To: abuse@outpost.test
        Subject: hello

        Is this the abuse desk? Call me.
        """;
}
