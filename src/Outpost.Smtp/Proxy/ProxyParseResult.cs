namespace Outpost.Smtp.Proxy;

/// <summary>The outcome of one parse: the header and its length in bytes when complete, the reason when invalid.</summary>
public readonly record struct ProxyParseResult(ProxyParseStatus Status, ProxyHeader? Header = null, int Length = 0, string? Reason = null)
{
    public static readonly ProxyParseResult NeedMore = new(ProxyParseStatus.NeedMore);

    public static ProxyParseResult Invalid(string reason) => new(ProxyParseStatus.Invalid, Reason: reason);
}
