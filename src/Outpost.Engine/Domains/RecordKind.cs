namespace Outpost.Engine.Domains;

/// <summary>The kinds of sending record a domain publishes.</summary>
public enum RecordKind
{
    Spf,
    Dkim,
    Dmarc,
}
