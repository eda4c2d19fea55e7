namespace Outpost.Engine.Configuration;

/// <summary>
/// What each hosted domain must publish before it may send to external recipients (S1–S3), and how
/// often Outpost looks again.
/// </summary>
public sealed class SendingOptions
{
    /// <summary>The service's SPF domain that customers include, e.g. "_spf.outpost.example".</summary>
    public string SpfInclude { get; set; } = "_spf.outpost.example";

    /// <summary>The addresses Outpost sends from; each must pass a customer's SPF record. Empty: the include must be there.</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>The DMARC record to recommend; an existing stricter policy is accepted.</summary>
    public string DmarcRecord { get; set; } = "v=DMARC1; p=none";

    /// <summary>Refuse external recipients of a domain whose records are not verified. Off only for closed test setups.</summary>
    public bool RequireDnsRecords { get; set; } = true;

    /// <summary>How often every domain's records are checked again in the background.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A domain that is not ready is checked again at RCPT time when its last check is older than this.</summary>
    public TimeSpan RecheckNotReadyAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>For this long after records are first seen valid, senders are told that some receivers may not see them yet.</summary>
    public TimeSpan FreshRecordsWindow { get; set; } = TimeSpan.FromHours(6);
}
