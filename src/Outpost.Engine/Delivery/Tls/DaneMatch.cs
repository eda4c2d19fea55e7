using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls;

/// <summary>What matching a server's certificate against its TLSA records found: the record that matched, or one sentence saying why none did.</summary>
public sealed record DaneMatch(TlsaRecord? Matched, string? Problem)
{
    public static DaneMatch Of(TlsaRecord record) => new(record, null);
    public static DaneMatch Refused(string problem) => new(null, problem);
}
