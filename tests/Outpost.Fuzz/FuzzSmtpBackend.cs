using Outpost.Smtp;

namespace Outpost.Fuzz;

/// <summary>
/// A back end that lets the fuzzer reach every verb: the relay listener is trusted for example.com,
/// alice@example.com logs in with "secret", recipients at refused.test are refused, and every message
/// goes to a <see cref="FuzzMessageSink"/> that checks what the protocol layer hands it.
/// </summary>
internal sealed class FuzzSmtpBackend : ISmtpBackend
{
    public List<FuzzMessageSink> Sinks { get; } = [];

    public ValueTask<ConnectDecision> OnConnectAsync(SmtpSessionInfo session, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ConnectDecision(null, session.Mode == ListenerMode.Relay ? "example.com" : null));

    public ValueTask<AuthOutcome> AuthenticateAsync(SmtpSessionInfo session, string user, string password, CancellationToken cancellationToken) =>
        ValueTask.FromResult(user == "alice@example.com" && password == "secret"
            ? AuthOutcome.Succeeded(user)
            : new AuthOutcome(false, null, TimeSpan.Zero, user == "disconnect@example.com"));

    public ValueTask<SmtpReply> CheckSenderAsync(SmtpSessionInfo session, MailPath sender, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new SmtpReply(250, "2.1.0", "Sender ok"));

    public ValueTask<SmtpReply> CheckRecipientAsync(SmtpSessionInfo session, MailPath sender, MailPath recipient, CancellationToken cancellationToken) =>
        ValueTask.FromResult(recipient.Address.Domain == "refused.test"
            ? new SmtpReply(550, "5.1.1", "No such user")
            : new SmtpReply(250, "2.1.5", "Recipient ok"));

    public IMessageSink OpenMessage(SmtpSessionInfo session, MailPath sender, IReadOnlyList<MailPath> recipients)
    {
        var sink = new FuzzMessageSink();
        Sinks.Add(sink);
        return sink;
    }

    public void OnProtocolRefusal(SmtpSessionInfo session, string stage, SmtpReply reply, MailPath? sender)
    {
    }
}
