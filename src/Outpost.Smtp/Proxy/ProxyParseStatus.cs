namespace Outpost.Smtp.Proxy;

/// <summary>What <see cref="ProxyHeaderParser"/> made of the bytes so far.</summary>
public enum ProxyParseStatus
{
    /// <summary>The bytes so far are a valid beginning; more must arrive.</summary>
    NeedMore,

    /// <summary>A whole header was read.</summary>
    Complete,

    /// <summary>The bytes are not a PROXY protocol header, or break its limits.</summary>
    Invalid,
}
