namespace Outpost.Engine.Policy;

/// <summary>
/// Every class's result for one message, the model's probabilities and version, and what follows: the
/// refusing class that fired, if any, or else the class it is held for review as, if any.
/// </summary>
public sealed record ContentVerdict(IReadOnlyList<ClassResult> Results, ulong Fingerprint)
{
    public ClassResult? Refusal => Results.FirstOrDefault(r => r.Fired && r.Class.Refuses());

    /// <summary>The class the message is held for review as, when nothing refuses it.</summary>
    public ClassResult? Review => Refusal is null ? Results.FirstOrDefault(r => r.Held) : null;

    public bool LooksLikeTestMail => Results.Any(r => r.Fired && r.Class == ContentClass.TestMail);

    /// <summary>The content model's version.</summary>
    public string Model { get; init; } = "";

    /// <summary>The model's probability per label (business, marketing, prohibited, test-mail, verification-code).</summary>
    public IReadOnlyDictionary<string, double> Probabilities { get; init; } = new Dictionary<string, double>();

    /// <summary>When nothing refuses or holds: why it reads as business mail.</summary>
    public IReadOnlyList<string> BusinessEvidence { get; init; } = [];

    /// <summary>One line for the send log: "model 20261201-ab12: business 0.97".</summary>
    public string Summary
    {
        get
        {
            var top = Probabilities.Count == 0 ? default : Probabilities.MaxBy(p => p.Value);
            var outcome = Refusal is { } r ? $"refused as {r.Class.Code()}" : Review is { } h ? $"held for review as {h.Class.Code()}" : "passed";
            return $"model {Model}: {outcome}; likeliest {top.Key} {top.Value:0.00}";
        }
    }
}
