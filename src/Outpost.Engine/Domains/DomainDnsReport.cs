namespace Outpost.Engine.Domains;

/// <summary>
/// Where a domain stands: each record, whether the domain may send to external recipients, and since
/// when its records have been valid (recipients may need hours to see a change, S3).
/// </summary>
public sealed record DomainDnsReport(string Domain, IReadOnlyList<RecordCheck> Records, DateTimeOffset? CheckedAt, DateTimeOffset? ValidSince)
{
    public bool Ready => CheckedAt is not null && Records.Where(r => r.Required).All(r => r.Status == DnsRecordStatus.Ok);

    /// <summary>The first required record that is not ok, in the order a person should fix them.</summary>
    public RecordCheck? FirstProblem => Records.FirstOrDefault(r => r.Required && r.Status != DnsRecordStatus.Ok);
}
