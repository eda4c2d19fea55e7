using System.Net;
using Outpost.Smtp;

namespace Outpost.Fuzz;

/// <summary>Runs one SMTP session over a <see cref="ChunkedStream"/> of the input, with small limits so that every limit is within the fuzzer's reach.</summary>
internal static class SessionRunner
{
    public static SmtpServerOptions Options { get; } = new()
    {
        Hostname = "fuzz.example.com",
        MaxMessageSize = 4096,
        MaxRecipients = 5,
        MaxErrors = 10,
    };

    public static (FuzzSmtpBackend Backend, byte[] Replies) Run(byte[] clientBytes, byte chunkSeed, ListenerMode mode)
    {
        var stream = new ChunkedStream(clientBytes, chunkSeed);
        var backend = new FuzzSmtpBackend();
        var trap = new ErrorTrap();
        var info = new SmtpSessionInfo
        {
            Id = "fuzz",
            ListenerName = mode.ToString(),
            Mode = mode,
            Remote = new IPEndPoint(IPAddress.Loopback, 40000),
            Local = new IPEndPoint(IPAddress.Loopback, 587),
        };
        var connection = new SmtpConnection(stream);
        var session = new SmtpSession(connection, info, Options, backend, certificate: null, trap);
        var run = Task.Run(async () =>
        {
            await using (connection)
                await session.RunAsync(CancellationToken.None);
        });
        // Every read is answered at once from memory, so a session that has not ended by now is looping.
        if (!run.Wait(TimeSpan.FromSeconds(5)))
            throw new FuzzFinding("the session did not end within 5 seconds of its input running out");
        trap.ThrowIfAny();
        return (backend, stream.Replies.ToArray());
    }
}
