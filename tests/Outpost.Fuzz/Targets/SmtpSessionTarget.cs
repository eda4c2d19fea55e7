using Outpost.Smtp;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// The SMTP command parser and the session around it: the input is what a client sends, from the first
/// command on. Its first byte chooses the listener (top two bits: submission, relay, feedback) and how the
/// rest is split into reads (low six bits, see <see cref="ChunkedStream"/>). The session must end when the
/// input does, log no error (an unexpected exception), and commit nothing that has a CR or LF in a line.
/// </summary>
internal sealed class SmtpSessionTarget : IFuzzTarget
{
    public string Name => "smtp";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var mode = (input[0] >> 6) switch
        {
            1 => ListenerMode.Relay,
            2 => ListenerMode.Feedback,
            _ => ListenerMode.Submission,
        };
        var (_, replies) = SessionRunner.Run(input[1..].ToArray(), (byte)(input[0] & 0x3f), mode);
        if (!replies.AsSpan().StartsWith("220 "u8))
            throw new FuzzFinding("the session did not open with a 220 greeting");
        foreach (var line in System.Text.Encoding.UTF8.GetString(replies).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length < 4 || !int.TryParse(line.AsSpan(0, 3), out var code) || code is < 200 or > 599 || line[3] is not (' ' or '-'))
                throw new FuzzFinding($"the server sent a line that is not an SMTP reply: {line}");
        }
    }
}
