namespace Outpost.Smtp.Client;

/// <summary>The server broke the protocol (a malformed or endless reply, data after the STARTTLS reply), or lacks what the channel requires.</summary>
public sealed class RemoteProtocolException(string message) : Exception(message);
