using Outpost.Smtp;

namespace Outpost.Fuzz;

/// <summary>Keeps one message's lines as the protocol layer hands them over, and refuses the promise breaker: a line with a CR or LF in it (smuggling).</summary>
internal sealed class FuzzMessageSink : IMessageSink
{
    readonly MemoryStream _data = new();

    public bool Committed { get; private set; }
    public byte[] Data => _data.ToArray();

    public void WriteLine(ReadOnlySpan<byte> line)
    {
        if (line.IndexOfAny((byte)'\r', (byte)'\n') >= 0)
            throw new FuzzFinding("the DATA reader handed the sink a line holding a CR or LF");
        _data.Write(line);
        _data.Write("\r\n"u8);
    }

    public ValueTask<SmtpReply> CommitAsync(CancellationToken cancellationToken)
    {
        if (Committed)
            throw new FuzzFinding("a message was committed twice");
        Committed = true;
        return ValueTask.FromResult(new SmtpReply(250, "2.0.0", "Ok: queued as 0000000000000000"));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
