namespace Outpost.Smtp;

/// <summary>
/// Where DATA goes. The protocol layer hands over each line already dot-unstuffed and without its CRLF;
/// the sink streams it to durable storage. Disposing a sink that was not committed discards the message.
/// </summary>
public interface IMessageSink : IAsyncDisposable
{
    void WriteLine(ReadOnlySpan<byte> line);

    /// <summary>Makes the message durable and answers 250 (or 4xx/5xx when it cannot).</summary>
    ValueTask<SmtpReply> CommitAsync(CancellationToken cancellationToken);
}
