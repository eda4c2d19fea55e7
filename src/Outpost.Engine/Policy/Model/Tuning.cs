using Microsoft.ML;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Chooses the learner's regularisation by cross-validated log-loss on the training corpus (the
/// held-out set is never read): each setting of a small grid is cross-validated, and the one whose
/// out-of-fold probabilities give the true labels the least log-loss wins.
/// </summary>
public static class Tuning
{
    static readonly (float L1, float L2)[] Grid = [(0f, 0.005f), (0f, 0.02f), (0f, 0.1f)];

    public static TrainingOptions Best(IReadOnlyList<CorpusMessage> corpus, TrainingOptions start, int seed, Action<string>? progress = null)
    {
        var best = start;
        var bestLoss = double.MaxValue;
        foreach (var (l1, l2) in Grid)
        {
            var options = start with { L1 = l1, L2 = l2 };
            var outOfFold = new ModelTrainer(options, seed).CrossValidate(new MLContext(seed), corpus);
            var loss = corpus.Select((m, i) => -Math.Log(Math.Max(outOfFold[i][m.Label], 1e-6))).Average();
            progress?.Invoke($"L1 {l1}, L2 {l2}: log-loss {loss:0.0000}");
            if (loss < bestLoss)
                (best, bestLoss) = (options, loss);
        }
        return best;
    }
}
