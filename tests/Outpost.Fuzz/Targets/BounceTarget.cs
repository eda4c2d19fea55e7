using System.Globalization;
using System.Text;
using Outpost.Engine.Bounces;
using Outpost.Engine.Delivery;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// The bounce rules (<see cref="BounceClassifier"/>, read through <see cref="FailureClassifier"/> as
/// delivery reads them, and the enhanced code through <c>Queue.RemoteReply</c>): the input is a remote
/// reply, its first three bytes the code when they are digits (else 5xx from the first byte), the rest the
/// text the SMTP client joined from its lines. Every reply gets a class; a 2xx is delivered; only a
/// permanent failure can say the address is gone; an enhanced code found is one of the reply's words.
/// </summary>
internal sealed class BounceTarget : IFuzzTarget
{
    public string Name => "bounce";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 3)
            return;
        var code = int.TryParse(Encoding.ASCII.GetString(input[..3]), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 200
            ? parsed
            : 500 + input[0] % 100;
        var text = Encoding.UTF8.GetString(input[3..]).TrimStart(' ');

        var (cls, line) = FailureClassifier.OfReply(new Outpost.Smtp.Client.RemoteReply(code, text));
        if (line.Contains('\r') || line.Contains('\n'))
            throw new FuzzFinding("a reply kept a line break for the send log");
        if ((code is >= 200 and < 300) != (cls == BounceClass.Delivered))
            throw new FuzzFinding($"a {code} reply was classed {cls}");
        if (BounceClassifier.Default.MeansAddressGone(code, text) && (code < 500 || code == 552))
            throw new FuzzFinding($"a {code} reply was taken to mean the address is gone");
        if (Outpost.Engine.Queue.RemoteReply.EnhancedIn(text) is { } enhanced && !text.Split(' ').Contains(enhanced))
            throw new FuzzFinding($"the enhanced code {enhanced} is not a word of the reply");
    }
}
