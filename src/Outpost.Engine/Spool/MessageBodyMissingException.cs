namespace Outpost.Engine.Spool;

/// <summary>
/// A message whose body is not stored (removed after the message finished, or never sealed). An
/// <see cref="IOException"/>, so every reader that already handles a missing spool file handles it the same way.
/// </summary>
public sealed class MessageBodyMissingException(string id)
    : FileNotFoundException($"The body of message {id} is not stored; the message has finished or was never queued.")
{
    public string MessageId { get; } = id;
}
