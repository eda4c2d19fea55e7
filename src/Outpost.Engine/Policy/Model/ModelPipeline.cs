using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The ML.NET part of the content model, in one place for training and cross-validation: the features
/// come ready as <see cref="FeatureVector"/>s over a <see cref="TextVocabulary"/> (word uni- and bigrams,
/// character trigrams, each group L2-normalised, and the structural features), and ML.NET fits a
/// multiclass logistic regression (maximum entropy, L-BFGS) on one thread, so that a seed gives the same
/// model.
/// </summary>
public static class ModelPipeline
{
    public const string LabelKey = "LabelKey";

    /// <summary>The rows as a data view whose feature column has the vocabulary's dimension.</summary>
    public static IDataView Data(MLContext ml, IEnumerable<TrainingRow> rows, int length)
    {
        var schema = SchemaDefinition.Create(typeof(TrainingRow));
        schema[nameof(TrainingRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    public static IEstimator<ITransformer> Create(MLContext ml, TrainingOptions options) =>
        ml.Transforms.Conversion.MapValueToKey(LabelKey, nameof(TrainingRow.Label), keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = LabelKey,
                FeatureColumnName = nameof(TrainingRow.Features),
                L1Regularization = options.L1,
                L2Regularization = options.L2,
                // Bounded: with little regularisation L-BFGS creeps on for thousands of iterations for
                // no measurable gain in cross-validated log-loss.
                MaximumNumberOfIterations = options.Iterations,
                OptimizationTolerance = 1e-5f,
                NumberOfThreads = 1,
            }));

    /// <summary>Fits the classifier on <paramref name="messages"/> with a vocabulary built from them alone.</summary>
    public static (ITransformer Model, DataViewSchema Schema, LinearScorer Scorer) Fit(MLContext ml, TrainingOptions options, IReadOnlyList<(MessageFeatures Features, string Label)> messages)
    {
        var vocabulary = TextVocabulary.Build(messages.Select(m => m.Features), options.MinimumCount, ModelInput.StructureLength, options.Grams);
        var length = vocabulary.Count + ModelInput.StructureLength;
        var data = Data(ml, messages.Select(m => new TrainingRow { Features = FeatureVector.Build(m.Features, vocabulary).ToVBuffer(), Label = m.Label }).ToList(), length);
        var model = Create(ml, options).Fit(data);
        return (model, data.Schema, LinearScorer.From(model, data.Schema, vocabulary, "being trained"));
    }
}
