namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>An MTA-STS policy's mode (RFC 8461 §5): refuse what fails, report it only, or no policy.</summary>
public enum MtaStsMode
{
    Enforce,
    Testing,
    None,
}
