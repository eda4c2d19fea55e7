using System.Text;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// How a model's decisions compare with a corpus's labels: per refusing class (and per language) the
/// precision and recall of refusals with 95 % Wilson intervals, the recall of "refused or held for
/// review", business mail refused and held (hard negatives apart), test mail noted, and the confusion
/// matrix of true labels against outcomes.
/// </summary>
public sealed record EvaluationReport
{
    public required int Messages { get; init; }
    /// <summary>The mean negative log-probability of the true labels (lower is better; how well the probabilities are calibrated and sharp).</summary>
    public double? LogLoss { get; init; }
    public required List<ClassFigures> Classes { get; init; }
    public required BusinessFigures Business { get; init; }
    public required Rate TestMailNoted { get; init; }
    /// <summary>True label → outcome ("refuse:marketing", "review:prohibited", "pass") → count.</summary>
    public required Dictionary<string, Dictionary<string, int>> Confusion { get; init; }

    public sealed record Rate(int Hits, int Total)
    {
        public double? Value => Total == 0 ? null : (double)Hits / Total;
        public double? Low => Total == 0 ? null : Math.Round(Wilson(Hits, Total).Low, 4);
        public double? High => Total == 0 ? null : Math.Round(Wilson(Hits, Total).High, 4);
        public override string ToString() => Total == 0 ? "–" : $"{Value:0.000} [{Low:0.00}–{High:0.00}] ({Hits}/{Total})";
    }

    public sealed record ClassFigures(string Label, string Language, Rate Precision, Rate Recall, Rate RecallWithReview);

    public sealed record BusinessFigures(Rate Refused, Rate Held, Rate HardRefused, Rate HardHeld);

    public sealed record Outcome(string Label, string Language, bool Hard, ModelDecision Decision, double TrueProbability = double.NaN);

    public static EvaluationReport Compute(IReadOnlyList<Outcome> outcomes)
    {
        var withProbability = outcomes.Where(o => !double.IsNaN(o.TrueProbability)).ToList();
        var classes = new List<ClassFigures>();
        foreach (var label in ContentLabels.Refusing)
        {
            foreach (var language in new[] { "all" }.Concat(outcomes.Select(o => o.Language).Distinct().Order(StringComparer.Ordinal)))
            {
                var set = outcomes.Where(o => language == "all" || o.Language == language).ToList();
                var refused = set.Where(o => o.Decision.Action == ContentAction.Refuse && o.Decision.Label == label).ToList();
                var truth = set.Where(o => o.Label == label).ToList();
                if (truth.Count == 0 && refused.Count == 0)
                    continue;
                classes.Add(new ClassFigures(label, language,
                    new Rate(refused.Count(o => o.Label == label), refused.Count),
                    new Rate(truth.Count(o => o.Decision.Action == ContentAction.Refuse), truth.Count),
                    new Rate(truth.Count(o => o.Decision.Action != ContentAction.Pass), truth.Count)));
            }
        }
        var business = outcomes.Where(o => o.Label == ContentLabels.Business).ToList();
        var hard = business.Where(o => o.Hard).ToList();
        var tests = outcomes.Where(o => o.Label == ContentLabels.TestMail).ToList();
        var confusion = new Dictionary<string, Dictionary<string, int>>();
        foreach (var o in outcomes)
        {
            var key = o.Decision.Action switch
            {
                ContentAction.Refuse => "refuse:" + o.Decision.Label,
                ContentAction.Review => "review:" + o.Decision.Label,
                _ => "pass",
            };
            var row = confusion.TryGetValue(o.Label, out var r) ? r : confusion[o.Label] = [];
            row[key] = row.GetValueOrDefault(key) + 1;
        }
        return new EvaluationReport
        {
            Messages = outcomes.Count,
            LogLoss = withProbability.Count == 0 ? null : Math.Round(withProbability.Average(o => -Math.Log(Math.Max(o.TrueProbability, 1e-6))), 4),
            Classes = classes,
            Business = new BusinessFigures(
                new Rate(business.Count(o => o.Decision.Action == ContentAction.Refuse), business.Count),
                new Rate(business.Count(o => o.Decision.Action == ContentAction.Review), business.Count),
                new Rate(hard.Count(o => o.Decision.Action == ContentAction.Refuse), hard.Count),
                new Rate(hard.Count(o => o.Decision.Action == ContentAction.Review), hard.Count)),
            TestMailNoted = new Rate(tests.Count(o => o.Decision.TestMail), tests.Count),
            Confusion = confusion,
        };
    }

    /// <summary>The 95 % Wilson score interval of a proportion: honest at 0 and 1 and on small counts, unlike the normal approximation.</summary>
    public static (double Low, double High) Wilson(int hits, int total)
    {
        if (total == 0)
            return (double.NaN, double.NaN);
        const double z = 1.959964;
        var p = (double)hits / total;
        var denominator = 1 + z * z / total;
        var centre = (p + z * z / (2 * total)) / denominator;
        var half = z * Math.Sqrt(p * (1 - p) / total + z * z / (4.0 * total * total)) / denominator;
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The figures as Markdown tables, the form docs/POLICY.md quotes.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| class | language | precision [95 % CI] (refused) | recall [95 % CI] (refused) | recall, refused or held |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var c in Classes)
            sb.AppendLine($"| {c.Label} | {c.Language} | {c.Precision} | {c.Recall} | {c.RecallWithReview} |");
        sb.AppendLine();
        sb.AppendLine("| business mail | refused | held for review |");
        sb.AppendLine("|---|---|---|");
        sb.AppendLine($"| all | {Business.Refused} | {Business.Held} |");
        sb.AppendLine($"| hard negatives | {Business.HardRefused} | {Business.HardHeld} |");
        sb.AppendLine();
        sb.AppendLine($"Test mail noted: {TestMailNoted}." + (LogLoss is { } loss ? $" Log-loss of the true labels: {loss:0.000}." : ""));
        sb.AppendLine();
        var outcomes = Confusion.Values.SelectMany(r => r.Keys).Distinct().OrderBy(k => k == "pass" ? "~" : k, StringComparer.Ordinal).ToList();
        sb.AppendLine("| true label | " + string.Join(" | ", outcomes) + " |");
        sb.AppendLine("|---|" + string.Concat(outcomes.Select(_ => "---:|")));
        foreach (var label in ContentLabels.All.Where(Confusion.ContainsKey))
            sb.AppendLine($"| {label} | " + string.Join(" | ", outcomes.Select(o => Confusion[label].GetValueOrDefault(o).ToString(System.Globalization.CultureInfo.InvariantCulture))) + " |");
        return sb.ToString();
    }
}
