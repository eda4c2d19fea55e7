namespace Outpost.Engine.Routing.Channels;

/// <summary>A direct egress to the recipients' MX hosts, or a relay (smart host).</summary>
public enum ChannelKind
{
    Direct,
    Relay,
}
