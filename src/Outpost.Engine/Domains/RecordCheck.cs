namespace Outpost.Engine.Domains;

/// <summary>
/// One record to publish and how it looks now: where (name, type), what (value, split into the
/// strings of at most 255 bytes a TXT record holds), its status, and one sentence saying what is wrong
/// and what to publish instead.
/// </summary>
public sealed record RecordCheck(
    RecordKind Kind,
    string Check,
    string Name,
    string Type,
    string Value,
    bool Required,
    DnsRecordStatus Status,
    string Sentence,
    string? Found,
    DateTimeOffset? FirstValidAt)
{
    public IReadOnlyList<string> ValueStrings => TxtStrings.Split(Value);
}
