using Outpost.Engine.Policy.Model;
using Xunit.Abstractions;

namespace Outpost.Engine.Tests.Policy;

/// <summary>
/// The shipped content model on corpus/heldout: mail written in a separate pass, never used to train
/// the model or to choose its features or thresholds. At most 1 % of business mail may be refused (the
/// goal); each refusing class is held to the figures measured overall and to the recall goal in each
/// language. Prints the whole report (docs/POLICY.md quotes it).
/// </summary>
public sealed class HeldOutTests(ITestOutputHelper output)
{
    static readonly Lazy<(List<CorpusMessage> Corpus, EvaluationReport Report)> Evaluated = new(() =>
    {
        var corpus = CorpusReader.Read([Path.Combine(TestModel.RepositoryRoot, "corpus", "heldout")], FeatureBuilder.Create(null));
        return (corpus, ModelTrainer.Evaluate(TestModel.Shipped, corpus));
    });

    [Fact]
    public void The_held_out_set_is_large_and_in_three_languages()
    {
        var corpus = Evaluated.Value.Corpus;
        output.WriteLine($"{corpus.Count} held-out messages");
        Assert.True(corpus.Count >= 300, $"{corpus.Count} held-out messages");
        foreach (var language in new[] { "en", "de", "zh" })
            foreach (var label in ContentLabels.All)
                Assert.True(corpus.Count(m => m.Language == language && m.Label == label) >= 8, $"{language}/{label}");
    }

    /// <summary>The shipped model's held-out figures overall, a little below what was measured (docs/POLICY.md): precision, recall of refusals, refused or held.</summary>
    static readonly Dictionary<string, (double Precision, double Recall, double Caught)> Measured = new()
    {
        [ContentLabels.Prohibited] = (0.98, 0.95, 0.98),
        [ContentLabels.VerificationCode] = (0.98, 0.95, 0.98),
        [ContentLabels.Marketing] = (0.98, 0.95, 0.95),
    };

    /// <summary>
    /// The product's goal is precision ≥ 0.98 and recall ≥ 0.90 per class and language (docs/POLICY.md).
    /// Overall every class is held to the figures measured for the shipped model, so a retrained model that
    /// is worse on mail it never saw fails here; the output says how far each class is from the goal.
    /// </summary>
    [Fact]
    public void No_refusing_class_falls_below_the_measured_figures()
    {
        var report = Evaluated.Value.Report;
        output.WriteLine(report.ToMarkdown());
        var failures = new List<string>();
        foreach (var c in report.Classes.Where(c => c.Language == "all"))
        {
            output.WriteLine($"{c.Label}: goal {(c.Precision.Value >= 0.98 && c.Recall.Value >= 0.90 ? "met" : "not met")} (precision {c.Precision}, recall {c.Recall})");
            var floor = Measured[c.Label];
            if (c.Precision.Value < floor.Precision)
                failures.Add($"{c.Label}: precision {c.Precision}");
            if (c.Recall.Value < floor.Recall)
                failures.Add($"{c.Label}: recall of refusals {c.Recall}");
            if (c.RecallWithReview.Value < floor.Caught)
                failures.Add($"{c.Label}: refused or held {c.RecallWithReview}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>
    /// Each language on its own: recall of refusals at the goal (0.90) in every class and language, and
    /// precision at the floor measured per language (about 22 refusals per cell, so one wrong refusal is
    /// 0.955: a floor of 0.95 allows that one and no second).
    /// </summary>
    [Fact]
    public void Every_language_reaches_the_recall_goal_in_every_refusing_class()
    {
        var failures = new List<string>();
        foreach (var c in Evaluated.Value.Report.Classes.Where(c => c.Language != "all"))
        {
            output.WriteLine($"{c.Label} {c.Language}: precision {c.Precision}, recall {c.Recall}");
            if (c.Recall.Value < 0.90)
                failures.Add($"{c.Label} in {c.Language}: recall of refusals {c.Recall}");
            if (c.Precision.Value < 0.95)
                failures.Add($"{c.Label} in {c.Language}: precision {c.Precision}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void At_most_one_percent_of_business_mail_is_refused()
    {
        var business = Evaluated.Value.Report.Business;
        output.WriteLine($"business refused {business.Refused}, held {business.Held}; hard negatives refused {business.HardRefused}, held {business.HardHeld}");
        Assert.True(business.Refused.Value <= 0.01, $"business refused: {business.Refused}");
    }
}
