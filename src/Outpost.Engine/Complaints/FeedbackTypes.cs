namespace Outpost.Engine.Complaints;

/// <summary>
/// The Feedback-Type values of RFC 5965 §7.3 (with not-spam, RFC 6430, and auth-failure, RFC 6591),
/// and which of them are complaints. A forwarded complaint is read as <see cref="Abuse"/>: a person said the mail was unwanted.
/// </summary>
public static class FeedbackTypes
{
    public const string Abuse = "abuse";
    public const string Fraud = "fraud";
    public const string Virus = "virus";
    public const string Other = "other";
    /// <summary>A recipient took the message out of the spam folder: good news, not a complaint.</summary>
    public const string NotSpam = "not-spam";
    /// <summary>An SPF or DKIM failure report (RFC 6591): about authentication, not about a recipient's wish.</summary>
    public const string AuthFailure = "auth-failure";

    /// <summary>
    /// Whether a report of this type suppresses the complainer and counts against the sender: every type
    /// but the two that say something else. A type not registered ("spam", a provider's own) is read as
    /// <see cref="Other"/>, a recipient's complaint of some kind.
    /// </summary>
    public static bool IsComplaint(string type) => type is not (NotSpam or AuthFailure);

    /// <summary>The words for a sentence: "the recipient reported a message as spam or abuse".</summary>
    public static string Words(string type) => type switch
    {
        Abuse => "spam or abuse",
        Fraud => "fraud or phishing",
        Virus => "carrying a virus",
        Other => "unwanted",
        _ => type,
    };
}
