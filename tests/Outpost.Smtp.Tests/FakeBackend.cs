using System.Collections.Concurrent;
using System.Text;

namespace Outpost.Smtp.Tests;

/// <summary>
/// A back end that trusts the relay listener for example.com, accepts user "alice@example.com" with
/// password "secret", refuses recipients at refused.test, and keeps every committed message in memory.
/// </summary>
internal sealed class FakeBackend : ISmtpBackend
{
    public ConcurrentQueue<string> Messages { get; } = new();
    public ConcurrentQueue<(string Stage, SmtpReply Reply)> Refusals { get; } = new();

    /// <summary>The client address of each session, as the engine would see it.</summary>
    public ConcurrentQueue<System.Net.IPEndPoint> Clients { get; } = new();

    public ValueTask<ConnectDecision> OnConnectAsync(SmtpSessionInfo session, CancellationToken cancellationToken)
    {
        Clients.Enqueue(session.Remote);
        return ValueTask.FromResult(new ConnectDecision(null, session.Mode == ListenerMode.Relay ? "example.com" : null));
    }

    public ValueTask<AuthOutcome> AuthenticateAsync(SmtpSessionInfo session, string user, string password, CancellationToken cancellationToken) =>
        ValueTask.FromResult(user == "alice@example.com" && password == "secret"
            ? AuthOutcome.Succeeded(user)
            : new AuthOutcome(false, null, TimeSpan.Zero, false));

    public ValueTask<SmtpReply> CheckSenderAsync(SmtpSessionInfo session, MailPath sender, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new SmtpReply(250, "2.1.0", "Sender ok"));

    public ValueTask<SmtpReply> CheckRecipientAsync(SmtpSessionInfo session, MailPath sender, MailPath recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(recipient.Address.Domain == "refused.test"
            ? new SmtpReply(550, "5.1.1", "No such user")
            : new SmtpReply(250, "2.1.5", "Recipient ok"));

    public IMessageSink OpenMessage(SmtpSessionInfo session, MailPath sender, IReadOnlyList<MailPath> recipients) => new Sink(this);

    public void OnProtocolRefusal(SmtpSessionInfo session, string stage, SmtpReply reply, MailPath? sender) => Refusals.Enqueue((stage, reply));

    sealed class Sink(FakeBackend backend) : IMessageSink
    {
        readonly MemoryStream _data = new();

        public void WriteLine(ReadOnlySpan<byte> line)
        {
            _data.Write(line);
            _data.Write("\r\n"u8);
        }

        public ValueTask<SmtpReply> CommitAsync(CancellationToken cancellationToken)
        {
            backend.Messages.Enqueue(Encoding.UTF8.GetString(_data.ToArray()));
            return ValueTask.FromResult(new SmtpReply(250, "2.0.0", $"Ok: queued as {backend.Messages.Count}"));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
