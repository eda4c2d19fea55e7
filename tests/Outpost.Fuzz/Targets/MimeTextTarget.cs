using MimeKit;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// The MIME text extraction the content checks read (<see cref="ContentExtractor"/>, then the content
/// model's <see cref="FeatureBuilder"/>): the input is a message as the spool holds it, parsed by MimeKit
/// as the spool sink parses it. Charsets, nesting, broken transfer encodings and HTML must all end in
/// content and features, within the text cap; a message MimeKit cannot parse at all is its FormatException.
/// </summary>
internal sealed class MimeTextTarget : IFuzzTarget
{
    static readonly FeatureBuilder Features = FeatureBuilder.Create(null);

    public string Name => "mime";

    public void Run(ReadOnlySpan<byte> input) => Check(input.ToArray());

    /// <summary>Also the last step of the api targets: what the spool sink does with a message at the end of DATA.</summary>
    public static void Check(byte[] message)
    {
        MimeMessage mime;
        try
        {
            mime = MimeMessage.Load(new MemoryStream(message, writable: false), persistent: true);
        }
        catch (FormatException)
        {
            return;
        }
        using (mime)
        {
            var content = ContentExtractor.Extract(mime, message.Length);
            if (content.Text.Length > ContentExtractor.MaxText + 1)
                throw new FuzzFinding($"the extracted text ran to {content.Text.Length} characters, past the cap of {ContentExtractor.MaxText}");
            var features = Features.Build(content);
            if (features is null)
                throw new FuzzFinding("no features for a parsed message");
        }
    }
}
