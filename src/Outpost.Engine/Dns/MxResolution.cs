namespace Outpost.Engine.Dns;

/// <summary>The hosts to try, in order, or why there are none.</summary>
public sealed record MxResolution(MxResolutionStatus Status, IReadOnlyList<MxHost> Hosts, string Reason)
{
    /// <summary>The reply the send log and a bounce show when there is no host to try.</summary>
    public (int Code, string Reply) Failure => Status switch
    {
        MxResolutionStatus.NullMx => (550, "550 5.1.10 The recipient's domain accepts no mail (null MX)"),
        MxResolutionStatus.NoSuchDomain => (550, "550 5.1.2 The recipient's domain does not exist"),
        MxResolutionStatus.NoMailHost => (550, "550 5.1.2 The recipient's domain has no mail server"),
        _ => (451, $"451 4.4.3 Cannot find the recipient's mail server now: {Reason}"),
    };
}
