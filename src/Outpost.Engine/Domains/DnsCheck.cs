namespace Outpost.Engine.Domains;

/// <summary>The stored result of checking one record of a domain, with when it was first seen valid (S3).</summary>
public sealed record DnsCheck(
    string Domain,
    string Record,
    DnsRecordStatus Status,
    string Sentence,
    string? Found,
    DateTimeOffset CheckedAt,
    DateTimeOffset? FirstValidAt);
