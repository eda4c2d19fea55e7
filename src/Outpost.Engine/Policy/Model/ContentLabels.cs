namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The labels the content model knows, as the corpus's folders name them, and what each means for the
/// sending rules: three refuse (or, when less sure, hold for review), test mail earns a note, business passes.
/// </summary>
public static class ContentLabels
{
    public const string Business = "business";
    public const string Marketing = "marketing";
    public const string VerificationCode = "verification-code";
    public const string Prohibited = "prohibited";
    public const string TestMail = "test-mail";

    public static readonly string[] All = [Business, Marketing, Prohibited, TestMail, VerificationCode];

    /// <summary>The refusing labels, most serious first: when two pass their thresholds, this order breaks a tie of equal probability.</summary>
    public static readonly string[] Refusing = [Prohibited, VerificationCode, Marketing];

    public static bool IsKnown(string label) => All.Contains(label);
}
