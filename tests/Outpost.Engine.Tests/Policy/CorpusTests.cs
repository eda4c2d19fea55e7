using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Xunit.Abstractions;

namespace Outpost.Engine.Tests.Policy;

/// <summary>
/// The labelled corpus in tests/corpus (written for this project: business mail, newsletters and
/// promotions, one-time codes, prohibited content and test mails, in English, German and Chinese, plain
/// and HTML, 7-bit, quoted-printable and base64). Prints precision and recall per class and holds the
/// classifier to the goal: no business mail refused, every refusing class with precision ≥ 0.98 and
/// recall ≥ 0.9.
/// </summary>
public sealed class CorpusTests(ITestOutputHelper output)
{
    static string CorpusDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "tests", "corpus")))
                dir = dir.Parent;
            return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("tests/corpus"), "tests", "corpus");
        }
    }

    static readonly Dictionary<string, ContentClass?> Labels = new()
    {
        ["business"] = null,
        ["marketing"] = ContentClass.Marketing,
        ["verification-code"] = ContentClass.VerificationCode,
        ["prohibited"] = ContentClass.Prohibited,
        ["test-mail"] = ContentClass.TestMail,
    };

    [Fact]
    public void Precision_and_recall_per_class_meet_the_goal()
    {
        var classifier = new ContentClassifier(new PolicyOptions(), new BulkTracker(new PolicyOptions(), TimeProvider.System));
        var predictions = new List<(string File, ContentClass? Expected, ContentClass? Got)>();
        foreach (var (label, expected) in Labels)
        {
            var files = Directory.GetFiles(Path.Combine(CorpusDirectory, label), "*.eml");
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                using var message = MimeMessage.Load(file);
                var verdict = classifier.Classify(message, new FileInfo(file).Length, ["someone@remote.test"]);
                var got = verdict.Refusal?.Class ?? (verdict.LooksLikeTestMail ? ContentClass.TestMail : null);
                predictions.Add((Path.GetFileName(file), expected, got));
                if (got != expected)
                    output.WriteLine($"MISS {label}/{Path.GetFileName(file)}: got {got?.Code() ?? "none"}; " +
                                     string.Join(" | ", verdict.Results.Where(r => r.Signals.Count > 0).Select(r => $"{r.Class.Code()} {r.Score}: {string.Join("; ", r.Signals)}")));
            }
        }

        output.WriteLine($"{"class",-18} {"precision",9} {"recall",7}  (messages: {predictions.Count})");
        foreach (var cls in new[] { ContentClass.Marketing, ContentClass.VerificationCode, ContentClass.Prohibited, ContentClass.TestMail })
        {
            var truePositive = predictions.Count(p => p.Got == cls && p.Expected == cls);
            var predicted = predictions.Count(p => p.Got == cls);
            var actual = predictions.Count(p => p.Expected == cls);
            var precision = predicted == 0 ? 1 : (double)truePositive / predicted;
            var recall = actual == 0 ? 1 : (double)truePositive / actual;
            output.WriteLine($"{cls.Code(),-18} {precision,9:0.00} {recall,7:0.00}");
            if (cls.Refuses())
            {
                Assert.True(precision >= 0.98, $"{cls.Code()} precision {precision:0.00}");
                Assert.True(recall >= 0.9, $"{cls.Code()} recall {recall:0.00}");
            }
        }
        Assert.DoesNotContain(predictions, p => p.Expected is null && p.Got is { } got && got.Refuses());
    }
}
