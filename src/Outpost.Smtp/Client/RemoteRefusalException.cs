namespace Outpost.Smtp.Client;

/// <summary>The server refused a step that the connection cannot go on without: its greeting, EHLO, STARTTLS or AUTH.</summary>
public sealed class RemoteRefusalException(string stage, RemoteReply reply)
    : Exception($"The server refused {stage}: {reply}")
{
    public string Stage { get; } = stage;
    public RemoteReply Reply { get; } = reply;
}
