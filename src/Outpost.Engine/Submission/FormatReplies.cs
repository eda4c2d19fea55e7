using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>
/// The refusals of a message whose header block breaks a rule every receiver relies on, given at the end of
/// DATA (and to the API's raw submission, which goes through the same sink). Both are permanent: sending the
/// same bytes again cannot work.
/// </summary>
internal static class FormatReplies
{
    /// <summary>
    /// RFC 5322 §3.6 makes From mandatory; receivers (and DMARC, which aligns on it) refuse or junk mail without it,
    /// and Outpost does not invent one. 5.6.0 (RFC 3463: "other or undefined media error"): it is the message's
    /// format that is wrong, not the sender's right to send.
    /// </summary>
    public static readonly SmtpReply NoFrom = new(550, "5.6.0", "The message has no From header; add one with the sender's address");

    /// <summary>
    /// RFC 6532 header fields in UTF-8 may only travel under SMTPUTF8 (RFC 6531 §3.2); without it a receiver may
    /// refuse or mangle them. 5.6.7, as for a non-ASCII address without SMTPUTF8 at MAIL and RCPT (RFC 6533), and
    /// 554 as the failed transaction at the end of DATA.
    /// </summary>
    public static readonly SmtpReply EightBitHeaders = new(554, "5.6.7", "The message has 8-bit characters in its headers; encode them (RFC 2047) or send it with SMTPUTF8");
}
