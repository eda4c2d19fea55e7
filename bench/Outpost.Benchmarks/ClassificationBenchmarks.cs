using System.Text;
using BenchmarkDotNet.Attributes;
using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Outpost.Benchmarks;

/// <summary>Content classification of a typical 10 KB business message (HTML and text parts, quoted-printable): the content model loaded once, as in the server.</summary>
[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    ContentClassifier _classifier = null!;
    ContentModel _model = null!;
    FeatureBuilder _features = null!;
    MessageFeatures _builtFeatures = null!;
    MimeMessage _message = null!;
    MessageContent _content = null!;
    readonly string[] _recipients = ["customer@remote.test"];

    [GlobalSetup]
    public void Setup()
    {
        var options = new PolicyOptions();
        _classifier = new ContentClassifier(options, new BulkTracker(options, TimeProvider.System, new NullBulkStore(), NullLogger<BulkTracker>.Instance), _model = ContentModel.Load(null));
        var paragraph = "Thank you for your order 88231764 of November 20. The parcel left our warehouse today; the carrier expects to deliver it on Monday. " +
                        "The invoice for EUR 1,226.40 is attached, payable within 14 days. Grüße aus Köln. ";
        var text = new StringBuilder();
        while (text.Length < 4500)
            text.Append(paragraph).Append('\n');
        var body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = "<html><body><p>" + text.ToString().Replace("\n", "</p><p>") + "</p></body></html>" };
        _message = new MimeMessage();
        _message.From.Add(MailboxAddress.Parse("alice@example.com"));
        _message.To.Add(MailboxAddress.Parse("customer@remote.test"));
        _message.Subject = "Your order has shipped";
        _message.Body = body.ToMessageBody();
        _content = ContentExtractor.Extract(_message, 10_000);
        _features = FeatureBuilder.Create(null);
        _builtFeatures = _features.Build(_content);
    }

    [Benchmark(Description = "extract + classify a 10 KB message")]
    public ContentVerdict ExtractAndClassify() => _classifier.Classify(_message, 10_000, _recipients);

    [Benchmark(Description = "classify extracted content")]
    public ContentVerdict Classify() => _classifier.Classify(_content, _recipients);

    [Benchmark(Description = "model features of extracted content")]
    public MessageFeatures Features() => _features.Build(_content);

    [Benchmark(Description = "model prediction from features")]
    public ContentModel.Prediction Predict() => _model.Predict(_builtFeatures);

    [Benchmark(Description = "SimHash of the text")]
    public ulong Fingerprint() => SimHash.Compute(_content.Text, out _);
}
