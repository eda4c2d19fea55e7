namespace Outpost.Engine.Routing.Channels;

/// <summary>How a relay channel secures its connection: TLS from the first byte, or STARTTLS required.</summary>
public enum RelayTls
{
    StartTls,
    Implicit,
}
