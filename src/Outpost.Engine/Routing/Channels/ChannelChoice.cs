namespace Outpost.Engine.Routing.Channels;

/// <summary>A channel in the order delivery tries them, with why it stands there, and why it is skipped if it is.</summary>
public sealed record ChannelChoice(Channel Channel, string Why, string? Skipped);
