namespace Outpost.Smtp.Client;

/// <summary>
/// How one mail transaction went, recipient by recipient: a refusal at MAIL or at DATA applies to
/// every recipient the server had taken; a refusal at RCPT to that recipient alone. Over LMTP each
/// recipient taken has its own reply to the message as well.
/// </summary>
public sealed class TransactionResult(RemoteReply? mailRefusal, IReadOnlyList<RemoteReply> recipientReplies, RemoteReply? dataReply,
    IReadOnlyList<RemoteReply?>? deliveryReplies = null)
{
    /// <summary>LMTP: the reply to the message for each recipient, in the recipients' order (null for one refused at RCPT); null over SMTP.</summary>
    public IReadOnlyList<RemoteReply?>? DeliveryReplies { get; } = deliveryReplies;

    /// <summary>The reply to MAIL FROM when it was not positive.</summary>
    public RemoteReply? MailRefusal { get; } = mailRefusal;

    /// <summary>The reply to each RCPT TO, in the order the recipients were given (empty when MAIL was refused first).</summary>
    public IReadOnlyList<RemoteReply> RecipientReplies { get; } = recipientReplies;

    /// <summary>The reply that ended the transaction for the accepted recipients: to DATA when that was refused, else to the message.</summary>
    public RemoteReply? DataReply { get; } = dataReply;

    /// <summary>What happened to recipient <paramref name="index"/>.</summary>
    public RemoteReply For(int index)
    {
        if (MailRefusal is { } mail)
            return mail;
        var rcpt = RecipientReplies[index];
        if (!rcpt.IsPositive)
            return rcpt;
        if (DeliveryReplies?[index] is { } delivered)
            return delivered;
        return DataReply ?? new RemoteReply(451, "4.3.0 The transaction ended before the message was sent");
    }

    /// <summary>True when the recipient was refused on its own, at RCPT.</summary>
    public bool RefusedAtRecipient(int index) => MailRefusal is null && !RecipientReplies[index].IsPositive;
}
