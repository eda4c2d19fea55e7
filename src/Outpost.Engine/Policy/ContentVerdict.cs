namespace Outpost.Engine.Policy;

/// <summary>Every class's result for one message, and the first refusing class that fired, if any.</summary>
public sealed record ContentVerdict(IReadOnlyList<ClassResult> Results, ulong Fingerprint)
{
    public ClassResult? Refusal => Results.FirstOrDefault(r => r.Fired && r.Class.Refuses());

    public bool LooksLikeTestMail => Results.Any(r => r.Fired && r.Class == ContentClass.TestMail);
}
