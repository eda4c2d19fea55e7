using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Text;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The ML.NET pipeline of the content model, in one place for training and cross-validation: word
/// uni- and bigrams (term frequencies) of the normalised words, character trigrams of the normalised text (they
/// carry German compounds and Chinese, which has no spaces), both L2-normalised and pruned of n-grams
/// rarer than <see cref="TrainingOptions.MinimumCount"/>, beside the structural features; a multiclass
/// logistic regression (maximum entropy, L-BFGS) on one thread so that a seed gives the same model.
/// </summary>
public static class ModelPipeline
{
    public const string LabelKey = "LabelKey";

    public static IEstimator<ITransformer> Create(MLContext ml, TrainingOptions options)
    {
        var weighting = options.TfIdf ? NgramExtractingEstimator.WeightingCriteria.TfIdf : NgramExtractingEstimator.WeightingCriteria.Tf;
        var words = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.None,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true, Weighting = weighting },
            CharFeatureExtractor = null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        var chars = new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.None,
            KeepDiacritics = true,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = null,
            CharFeatureExtractor = new WordBagEstimator.Options { NgramLength = options.CharNgramLength, UseAllLengths = options.AllCharLengths, Weighting = weighting },
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        return ml.Transforms.Conversion.MapValueToKey(LabelKey, nameof(ModelInput.Label), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.Text.FeaturizeText("WordFeatures", words, nameof(ModelInput.Words)))
            .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("WordFeatures", count: options.MinimumCount))
            .Append(ml.Transforms.Text.FeaturizeText("CharFeatures", chars, nameof(ModelInput.Chars)))
            .Append(ml.Transforms.FeatureSelection.SelectFeaturesBasedOnCount("CharFeatures", count: options.MinimumCount))
            .Append(ml.Transforms.Concatenate("Features", "WordFeatures", "CharFeatures", nameof(ModelInput.Structure)))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = LabelKey,
                FeatureColumnName = "Features",
                L1Regularization = options.L1,
                L2Regularization = options.L2,
                // Bounded: with little regularisation L-BFGS creeps on for thousands of iterations for
                // no measurable gain in cross-validated log-loss.
                MaximumNumberOfIterations = options.Iterations,
                OptimizationTolerance = 1e-5f,
                NumberOfThreads = 1,
            }));
    }
}
