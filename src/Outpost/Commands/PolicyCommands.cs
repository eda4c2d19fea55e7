using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Policy.Model;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost policy train|evaluate|label|model</c>: the content model's life cycle. Training reads the
/// shipped corpus and the local one in the data directory (labels and review decisions), and writes the
/// model into the data directory, where it takes precedence over the shipped one at the next start.
/// </summary>
public static class PolicyCommands
{
    public static Command Create()
    {
        var policy = new Command("policy", "The content model: train, evaluate, label messages");
        policy.Subcommands.Add(Train());
        policy.Subcommands.Add(Evaluate());
        policy.Subcommands.Add(ModelInfo());
        policy.Subcommands.Add(LabelCommand.Create());
        return policy;
    }

    /// <summary>The shipped corpus, found beside the working directory or the program (a source checkout).</summary>
    static string[] DefaultCorpus()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "corpus", "train")))
                    return [Path.Combine(dir.FullName, "corpus", "train"), Path.Combine(dir.FullName, "corpus", "seed")];
        }
        return [];
    }

    static Command Train()
    {
        var corpus = new Option<string[]>("--corpus") { Description = "Corpus folders (<folder>/<label>/*.eml); default: the shipped corpus/train and corpus/seed", AllowMultipleArgumentsPerToken = true };
        var noLocal = new Option<bool>("--no-local") { Description = "Leave out the local corpus of the data directory (labels and review decisions)" };
        var output = new Option<string?>("--out") { Description = "Where to write content-model.zip and .json (default: <data>/policy, used at the next start)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the folds and the learner", DefaultValueFactory = _ => 20261201 };
        var tune = new Option<bool>("--tune") { Description = "Try regularisation settings by cross-validated log-loss first and train with the best" };
        var errors = new Option<string?>("--errors") { Description = "Write every message the cross-validation got wrong or held (id, label, outcome, probabilities) to this TSV file" };
        var predictions = new Option<string?>("--predictions") { Description = "Write every message's out-of-fold probabilities (id, label, language, probabilities) to this TSV file" };
        var iterations = new Option<int?>("--iterations") { Description = "The learner's iteration limit (default 200)" };
        var wordNgrams = new Option<int?>("--word-ngrams") { Description = "The longest word n-gram, 1-3 (default 2)" };
        var charNgrams = new Option<string?>("--char-ngrams") { Description = "The character n-gram lengths, as 3 or 3-4 (default 3)" };
        var l2 = new Option<float?>("--l2") { Description = "The L2 regularisation (default 0.005; --tune chooses it by cross-validation)" };
        var logCounts = new Option<bool?>("--log-counts") { Description = "Damp repeated n-grams to 1 + ln(count) before normalising (true or false)" };
        var command = new Command("train", "Train the content model (cross-validation, thresholds, model); deterministic for a seed")
            { corpus, noLocal, output, seed, tune, errors, predictions, iterations, wordNgrams, charNgrams, logCounts, l2 };
        command.SetAction((parse, ct) =>
        {
            var options = CliContext.LoadOptions(parse);
            var roots = parse.GetValue(corpus) is { Length: > 0 } given ? given.ToList() : DefaultCorpus().ToList();
            if (roots.Count == 0)
                return Task.FromResult(Output.Fail("No corpus found: give --corpus <folder> (a folder with business/, marketing/, prohibited/, test-mail/ and verification-code/ of .eml files)."));
            var local = LocalCorpus.Folder(options.DataDirectory);
            if (!parse.GetValue(noLocal) && Directory.Exists(local))
                roots.Add(local);
            foreach (var root in roots.Where(r => !Directory.Exists(r) && !r.EndsWith("seed", StringComparison.Ordinal)))
                return Task.FromResult(Output.Fail($"The corpus folder {root} does not exist."));
            var features = FeatureBuilder.Create(options.Policy.PhrasesDirectory);
            var messages = CorpusReader.Read(roots, features);
            AnsiConsole.MarkupLine($"{messages.Count} messages from {Markup.Escape(string.Join(", ", roots.Where(Directory.Exists)))}");
            var defaults = new TrainingOptions();
            var grams = defaults.Grams;
            if (parse.GetValue(charNgrams) is { } lengths)
            {
                var range = lengths.Split('-');
                if (range.Length is < 1 or > 2 || !int.TryParse(range[0], out var from) || !int.TryParse(range[^1], out var to))
                    return Task.FromResult(Output.Fail($"--char-ngrams takes a length or a range such as 3-4, not '{lengths}'."));
                grams = grams with { CharsFrom = from, CharsTo = to };
            }
            grams = grams with { Words = parse.GetValue(wordNgrams) ?? grams.Words, LogCounts = parse.GetValue(logCounts) ?? grams.LogCounts };
            try
            {
                grams.Validate();
            }
            catch (ArgumentException e)
            {
                return Task.FromResult(Output.Fail(e.Message));
            }
            var trainingOptions = defaults with { Iterations = parse.GetValue(iterations) ?? defaults.Iterations, Grams = grams, L2 = parse.GetValue(l2) ?? defaults.L2 };
            if (parse.GetValue(tune))
                trainingOptions = Tuning.Best(messages, trainingOptions, parse.GetValue(seed), step => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(step)}[/]"));
            ModelTrainer.Trained trained;
            try
            {
                trained = new ModelTrainer(trainingOptions, parse.GetValue(seed)).Train(messages, step => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(step)}[/]"));
            }
            catch (ArgumentException ex)
            {
                return Task.FromResult(Output.Fail(ex.Message));
            }
            if (parse.GetValue(errors) is { } errorFile)
                File.WriteAllLines(errorFile, messages.Select((m, i) => (m, p: trained.OutOfFold[i], d: ModelDecision.Decide(trained.OutOfFold[i], trained.Manifest)))
                    .Where(x => x.d.Action != ContentAction.Pass || x.m.Label != ContentLabels.Business && x.m.Label != ContentLabels.TestMail)
                    .Where(x => !(x.d.Action == ContentAction.Refuse && x.d.Label == x.m.Label))
                    .Select(x => $"{x.m.Id}\t{x.m.Label}\t{x.d.Action}:{x.d.Label}\t" + string.Join(" ", x.p.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key}={kv.Value:0.00}"))));
            if (parse.GetValue(predictions) is { } predictionFile)
                File.WriteAllLines(predictionFile, messages.Select((m, i) => $"{m.Id}\t{m.Label}\t{m.Language}\t{(m.Hard ? "hard" : "")}\t" +
                    string.Join(" ", trained.OutOfFold[i].OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value:0.0000}"))));
            var target = parse.GetValue(output) ?? Path.Combine(options.DataDirectory, "policy");
            ModelTrainer.Save(trained, target);
            Console.Out.WriteLine(trained.Manifest.CrossValidation!.ToMarkdown());
            Output.Ok($"Model {trained.Manifest.Version} written to {Path.GetFullPath(target)}.");
            return Task.FromResult(0);
        });
        return command;
    }

    static Command Evaluate()
    {
        var corpus = new Option<string[]>("--corpus") { Description = "Labelled folders to measure on (never ones the model was trained on)", Required = true, AllowMultipleArgumentsPerToken = true };
        var model = new Option<string?>("--model") { Description = "Folder of the model (default: the one serve would use)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("evaluate", "Measure the content model on a labelled corpus: precision and recall with 95 % intervals, confusion matrix") { corpus, model, json };
        command.SetAction((parse, ct) =>
        {
            var options = CliContext.LoadOptions(parse);
            foreach (var root in parse.GetValue(corpus)!.Where(r => !Directory.Exists(r)))
                return Task.FromResult(Output.Fail($"The corpus folder {root} does not exist."));
            var loaded = ContentModel.Load(parse.GetValue(model) ?? Path.Combine(options.DataDirectory, "policy"));
            var messages = CorpusReader.Read(parse.GetValue(corpus)!, FeatureBuilder.Create(options.Policy.PhrasesDirectory));
            var report = ModelTrainer.Evaluate(loaded, messages);
            if (parse.GetValue(json))
                Output.WriteJson(report);
            else
            {
                AnsiConsole.MarkupLine($"Model {Markup.Escape(loaded.Manifest.Version)} ({Markup.Escape(loaded.Source)}), {messages.Count} messages");
                Console.Out.WriteLine(report.ToMarkdown());
            }
            return Task.FromResult(0);
        });
        return command;
    }

    static Command ModelInfo()
    {
        var command = new Command("model", "Which content model is in use: version, source, thresholds, what it was trained on");
        command.SetAction((parse, ct) =>
        {
            var options = CliContext.LoadOptions(parse);
            var loaded = ContentModel.Load(Path.Combine(options.DataDirectory, "policy"));
            Output.WriteJson(new { loaded.Manifest.Version, loaded.Source, loaded.Manifest.Thresholds, loaded.Manifest.Examples, loaded.Manifest.CorpusDigest, loaded.Manifest.TrainedAt });
            return Task.FromResult(0);
        });
        return command;
    }
}
