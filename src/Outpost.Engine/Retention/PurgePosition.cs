namespace Outpost.Engine.Retention;

/// <summary>
/// Where one batch of the send-log purge stopped: the last message it looked at, in the order of arrival.
/// The next batch goes on after it, so old messages that must stay (a recipient still held) are not read again and again.
/// </summary>
public sealed record PurgePosition(DateTimeOffset ReceivedAt, string MessageId);
