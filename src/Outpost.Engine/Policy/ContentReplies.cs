using System.Text;
using Outpost.Smtp;

namespace Outpost.Engine.Policy;

/// <summary>
/// What a sender is told about a content verdict, in one place for SMTP, the API, the web and the send
/// log: the class's sentence, then the strongest evidence in brackets. SMTP replies stay 7-bit, so
/// evidence with other characters (a Chinese phrase) is left out of the reply; the pre-flight check
/// and the send log's verdict show all of it.
/// </summary>
public static class ContentReplies
{
    const int MaxEvidence = 300;

    public static SmtpReply Refusal(ClassResult result) =>
        new(550, "5.7.1", result.Class.Sentence() + Evidence(result.Signals));

    /// <summary>The 250 reply of a message held for review: accepted, waiting, and why.</summary>
    public static SmtpReply Held(string id, ClassResult result) =>
        new(250, "2.0.0", $"Ok: queued as {id}; held for review: it looks like {result.Class.Code()}{Evidence(result.Signals)}; an operator will release or refuse it");

    /// <summary>The sentence of a message refused after review (the bounce's reason).</summary>
    public static string RefusedAfterReview(ContentClass cls, string by) =>
        $"{cls.Sentence()} (refused after review by {by})";

    /// <summary>" (evidence: a; b; c)", ASCII only and bounded, or empty.</summary>
    public static string Evidence(IEnumerable<string> signals)
    {
        var sb = new StringBuilder();
        foreach (var signal in signals)
        {
            if (!signal.All(c => c is >= ' ' and < '\u007f') || sb.Length + signal.Length > MaxEvidence)
                continue;
            sb.Append(sb.Length == 0 ? "" : "; ").Append(signal);
        }
        return sb.Length == 0 ? "" : $" (evidence: {sb})";
    }
}
