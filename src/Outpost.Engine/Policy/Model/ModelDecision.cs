namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The decision for one message from its probabilities and a model's thresholds: the most probable
/// refusing label that reaches its refuse threshold refuses; failing that, one in its review band holds
/// for review; test mail is noted when it is the likeliest label past its own threshold.
/// </summary>
public sealed record ModelDecision(ContentAction Action, string Label, double Probability, bool TestMail)
{
    public static ModelDecision Decide(IReadOnlyDictionary<string, double> probabilities, ModelManifest manifest)
    {
        string? refuse = null, review = null;
        foreach (var label in ContentLabels.Refusing)
        {
            if (!manifest.Thresholds.TryGetValue(label, out var t) || !probabilities.TryGetValue(label, out var p))
                continue;
            if (p >= t.Refuse && (refuse is null || p > probabilities[refuse]))
                refuse = label;
            else if (p >= t.Review && (review is null || p > probabilities[review]))
                review = label;
        }
        var testMail = probabilities.TryGetValue(ContentLabels.TestMail, out var pt) && pt >= manifest.TestMailThreshold;
        if (refuse is not null)
            return new ModelDecision(ContentAction.Refuse, refuse, probabilities[refuse], testMail);
        if (review is not null)
            return new ModelDecision(ContentAction.Review, review, probabilities[review], testMail);
        var likeliest = probabilities.MaxBy(kv => kv.Value);
        return new ModelDecision(ContentAction.Pass, likeliest.Key, likeliest.Value, testMail);
    }
}
