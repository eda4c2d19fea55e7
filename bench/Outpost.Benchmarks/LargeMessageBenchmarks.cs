using System.Text;
using BenchmarkDotNet.Attributes;
using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Signing;
using Outpost.Smtp.Client;

namespace Outpost.Benchmarks;

/// <summary>
/// What Outpost does with a 100 KB message of the relay benchmark (smtp-source's 78-character lines),
/// step by step: parse it, classify it (before the 250), sign its spool bytes, and dot-stuff them out as the SMTP client does.
/// </summary>
[MemoryDiagnoser]
public class LargeMessageBenchmarks
{
    byte[] _bytes = null!;
    ContentClassifier _classifier = null!;
    MessageSigner _signer = null!;
    readonly string[] _recipients = ["rcpt@sink.test"];
    string _dir = null!;
    MessageContent _content = null!;
    FeatureBuilder _features = null!;
    ContentModel _model = null!;
    MessageFeatures _built = null!;
    readonly byte[] _output = new byte[DotStuffer.MaxOutput(32 * 1024)];

    [Params(1024, 102400)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("Received: from vm ([127.0.0.1]) by bench\r\nFrom: <sender@bench.example>\r\nTo: <rcpt@sink.test>\r\n" +
                                     "Date: Fri, 27 Nov 2026 15:12:57 +0000\r\nMessage-Id: <6e5a.0003.0000@vm>\r\n\r\n");
        for (var line = 1; text.Length < Size; line++)
            text.Append(line).Append('X', 77 - line.ToString().Length).Append("\r\n");
        _bytes = Encoding.ASCII.GetBytes(text.ToString());
        var options = new PolicyOptions();
        _model = ContentModel.Load(null);
        _classifier = new ContentClassifier(options, new BulkTracker(options, TimeProvider.System, new NullBulkStore(), NullLogger<BulkTracker>.Instance), _model);
        _content = ContentExtractor.Extract(Parse(), _bytes.Length);
        _features = FeatureBuilder.Create(null);
        _built = _features.Build(_content);

        _dir = Path.Combine(Path.GetTempPath(), "outpost-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _signer = SigningBenchmarks.Signer(_dir, "bench.example", ed25519: false);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    MimeMessage Parse() => MimeMessage.Load(new MemoryStream(_bytes, writable: false), persistent: true);

    [Benchmark(Description = "parse (MimeKit)")]
    public MimeMessage ParseOnly() => Parse();

    [Benchmark(Description = "parse + extract + classify")]
    public ContentVerdict ParseAndClassify() => _classifier.Classify(Parse(), _bytes.Length, _recipients);

    [Benchmark(Description = "parse + extract")]
    public MessageContent ParseAndExtract() => ContentExtractor.Extract(Parse(), _bytes.Length);

    [Benchmark(Description = "SimHash of the extracted text")]
    public ulong Fingerprint() => SimHash.Compute(_content.Text, out _);

    [Benchmark(Description = "the content model's features of the extracted text")]
    public MessageFeatures Features() => _features.Build(_content);

    [Benchmark(Description = "the content model's prediction from the features")]
    public double Predict() => _model.Predict(_built).Probabilities["business"];

    [Benchmark(Description = "DKIM sign the spool bytes")]
    public int Sign() => _signer.SignatureFieldsAsync(new MemoryStream(_bytes, writable: false), "bench.example").GetAwaiter().GetResult().Length;

    [Benchmark(Description = "dot-stuff out")]
    public int StuffOut() => Stuff([]);

    [Benchmark(Description = "DKIM sign + dot-stuff out (the send step)")]
    public int SignAndStuffOut() => Stuff(_signer.SignatureFieldsAsync(new MemoryStream(_bytes, writable: false), "bench.example").GetAwaiter().GetResult());

    /// <summary>What the SMTP client does with the bytes: 32 KB chunks through the dot-stuffer into its output buffer.</summary>
    int Stuff(byte[] prefix)
    {
        var stuffer = new DotStuffer();
        var output = _output;
        var total = stuffer.Stuff(prefix, output);
        for (var offset = 0; offset < _bytes.Length; offset += 32 * 1024)
            total += stuffer.Stuff(_bytes.AsSpan(offset, Math.Min(32 * 1024, _bytes.Length - offset)), output);
        return total + stuffer.Finish(output);
    }
}
