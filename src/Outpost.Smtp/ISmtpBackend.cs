namespace Outpost.Smtp;

/// <summary>
/// The decisions the protocol layer leaves to the engine: who may connect and authenticate, which
/// sender and recipients are allowed, and where accepted data goes. Every refusal carries its own
/// plain sentence as an <see cref="SmtpReply"/>.
/// </summary>
public interface ISmtpBackend
{
    ValueTask<ConnectDecision> OnConnectAsync(SmtpSessionInfo session, CancellationToken cancellationToken);

    ValueTask<AuthOutcome> AuthenticateAsync(SmtpSessionInfo session, string user, string password, CancellationToken cancellationToken);

    ValueTask<SmtpReply> CheckSenderAsync(SmtpSessionInfo session, MailPath sender, CancellationToken cancellationToken);

    ValueTask<SmtpReply> CheckRecipientAsync(SmtpSessionInfo session, MailPath sender, MailPath recipient, CancellationToken cancellationToken);

    IMessageSink OpenMessage(SmtpSessionInfo session, MailPath sender, IReadOnlyList<MailPath> recipients);

    /// <summary>Told of every refusal the protocol layer makes on its own (size, syntax, smuggling), for the send log.</summary>
    void OnProtocolRefusal(SmtpSessionInfo session, string stage, SmtpReply reply, MailPath? sender);
}
