namespace Outpost.Engine.Dns;

/// <summary>What DNS says about where a domain's mail goes.</summary>
public enum MxResolutionStatus
{
    Ok,
    /// <summary>RFC 7505: the domain declares it accepts no mail.</summary>
    NullMx,
    NoSuchDomain,
    /// <summary>The domain exists but has neither MX nor address records.</summary>
    NoMailHost,
    TemporaryFailure,
}
