namespace Outpost.Engine.Dns;

/// <summary>
/// One TLSA record (RFC 6698 §2.1): certificate usage, selector, matching type and the association data.
/// Written as the record's three numbers ("3 1 1"), which is how an operator reads them in a zone file.
/// </summary>
public sealed record TlsaRecord(byte Usage, byte Selector, byte MatchingType, byte[] Data)
{
    /// <summary>"3 1 1".</summary>
    public string Parameters => $"{Usage} {Selector} {MatchingType}";

    /// <summary>The record in zone-file form, for comparing record sets and for logs (the data are public).</summary>
    public override string ToString() => $"{Parameters} {Convert.ToHexStringLower(Data)}";
}
