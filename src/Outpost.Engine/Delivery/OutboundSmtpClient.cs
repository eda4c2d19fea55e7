using MailKit.Net.Smtp;
using MimeKit;

namespace Outpost.Engine.Delivery;

/// <summary>
/// MailKit's SMTP client, told not to give up a whole message when one recipient is refused: each
/// refusal is kept, so every recipient gets its own result.
/// </summary>
internal sealed class OutboundSmtpClient : SmtpClient
{
    public Dictionary<string, SmtpResponse> Refused { get; } = new(StringComparer.OrdinalIgnoreCase);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Refused[mailbox.Address] = response;
}
