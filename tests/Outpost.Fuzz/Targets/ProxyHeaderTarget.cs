using Outpost.Smtp.Proxy;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// <see cref="ProxyHeaderParser"/>: the input is what a load balancer sent first. A header taken must lie
/// within the input and the protocol's bounds and parse the same from its own bytes; "need more" only while
/// under the bounds; a refusal must say why.
/// </summary>
internal sealed class ProxyHeaderTarget : IFuzzTarget
{
    public string Name => "proxy";

    public void Run(ReadOnlySpan<byte> input)
    {
        var result = ProxyHeaderParser.Parse(input);
        switch (result.Status)
        {
            case ProxyParseStatus.Complete:
                var limit = result.Header!.Version == 1 ? ProxyHeaderParser.MaxV1Length : 16 + ProxyHeaderParser.MaxV2Length;
                if (result.Length <= 0 || result.Length > input.Length || result.Length > limit)
                    throw new FuzzFinding($"a header of {result.Length} bytes was taken from {input.Length}");
                var again = ProxyHeaderParser.Parse(input[..result.Length]);
                if (again.Status != ProxyParseStatus.Complete || again.Length != result.Length || again.Header != result.Header)
                    throw new FuzzFinding("the header's own bytes parse differently");
                break;
            case ProxyParseStatus.NeedMore:
                if (input.Length >= 16 + ProxyHeaderParser.MaxV2Length)
                    throw new FuzzFinding($"more was asked for after {input.Length} bytes");
                break;
            default:
                if (string.IsNullOrEmpty(result.Reason))
                    throw new FuzzFinding("a refusal without a reason");
                break;
        }
    }
}
