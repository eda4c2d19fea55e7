using Outpost.Engine.Policy.Model;

namespace Outpost.Engine.Tests.Policy;

/// <summary>How probabilities and thresholds become refuse, review or pass.</summary>
public sealed class ModelDecisionTests
{
    static readonly ModelManifest Manifest = new()
    {
        Version = "test",
        Labels = [.. ContentLabels.All.Order(StringComparer.Ordinal)],
        Thresholds = new()
        {
            [ContentLabels.Prohibited] = new ClassThresholds(0.8, 0.4),
            [ContentLabels.VerificationCode] = new ClassThresholds(0.7, 0.3),
            [ContentLabels.Marketing] = new ClassThresholds(0.9, 0.5),
        },
        CorpusDigest = "",
        Examples = [],
        Seed = 1,
        Options = new TrainingOptions(),
    };

    static Dictionary<string, double> P(double business, double marketing = 0, double prohibited = 0, double code = 0, double test = 0) => new()
    {
        [ContentLabels.Business] = business, [ContentLabels.Marketing] = marketing, [ContentLabels.Prohibited] = prohibited,
        [ContentLabels.VerificationCode] = code, [ContentLabels.TestMail] = test,
    };

    [Theory]
    [InlineData(0.95, 0.05, 0, 0, 0, ContentAction.Pass, "business")]
    [InlineData(0.05, 0.95, 0, 0, 0, ContentAction.Refuse, "marketing")]
    [InlineData(0.3, 0.7, 0, 0, 0, ContentAction.Review, "marketing")]
    [InlineData(0.1, 0.45, 0.45, 0, 0, ContentAction.Review, "prohibited")] // both in their bands: ties go to the more serious
    [InlineData(0.1, 0.05, 0.1, 0.75, 0, ContentAction.Refuse, "verification-code")]
    [InlineData(0.05, 0.5, 0.85, 0, 0, ContentAction.Refuse, "prohibited")] // a refusal beats a review
    [InlineData(0.6, 0.2, 0.1, 0.1, 0, ContentAction.Pass, "business")]
    public void Thresholds_decide(double business, double marketing, double prohibited, double code, double test, ContentAction action, string label)
    {
        var d = ModelDecision.Decide(P(business, marketing, prohibited, code, test), Manifest);
        Assert.Equal(action, d.Action);
        Assert.Equal(label, d.Label);
    }

    [Fact]
    public void Test_mail_is_a_note_beside_the_decision()
    {
        Assert.True(ModelDecision.Decide(P(0.3, test: 0.7), Manifest).TestMail);
        Assert.False(ModelDecision.Decide(P(0.7, test: 0.3), Manifest).TestMail);
    }

    [Fact]
    public void The_refuse_threshold_is_the_lowest_that_keeps_the_precision_and_never_below_the_floor()
    {
        // Ten marketing mails at 0.95..0.50, one business mail at 0.72: precision ≥ 0.99 holds down to 0.75.
        var corpus = new List<CorpusMessage>();
        var probabilities = new List<IReadOnlyDictionary<string, double>>();
        var empty = new MessageFeatures("", "", new float[ModelInput.StructureLength], new string?[ModelInput.StructureLength]);
        for (var i = 0; i < 10; i++)
        {
            corpus.Add(new CorpusMessage($"m{i}", "", ContentLabels.Marketing, "en", false, empty));
            probabilities.Add(P(0, marketing: 0.95 - i * 0.05));
        }
        corpus.Add(new CorpusMessage("b", "", ContentLabels.Business, "en", false, empty));
        probabilities.Add(P(0.28, marketing: 0.72));
        var thresholds = new ModelTrainer(new TrainingOptions { ReviewFloor = 0.2 }).ChooseThresholds(corpus, probabilities);
        Assert.Equal(0.75, thresholds[ContentLabels.Marketing].Refuse, 3);
        Assert.Equal(0.5, thresholds[ContentLabels.Marketing].Review, 3);
        // No positives at all: the floor and the top.
        Assert.Equal(1.0, thresholds[ContentLabels.Prohibited].Refuse, 3);
    }
}
