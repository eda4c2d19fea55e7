namespace Outpost.Engine.Policy;

/// <summary>
/// "Why would my mail fail, or land in spam?" (F2) for one message, without sending it: the verdict
/// with its sentence, each check, each content class with its signals, and advice.
/// </summary>
public sealed record PreflightReport(
    bool WouldSend,
    string Verdict,
    IReadOnlyList<PreflightCheck> Checks,
    IReadOnlyList<ClassResult> Content,
    IReadOnlyList<string> Advice)
{
    /// <summary>What would happen: "refuse", "review" (accepted, held for an operator) or "pass".</summary>
    public string Decision { get; init; } = "pass";

    /// <summary>The content model's version.</summary>
    public string Model { get; init; } = "";

    /// <summary>The content model's probability per label.</summary>
    public IReadOnlyDictionary<string, double> Probabilities { get; init; } = new Dictionary<string, double>();
}
