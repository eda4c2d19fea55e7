using Outpost.Engine.Configuration;
using Outpost.Smtp;

namespace Outpost.Engine.Policy;

/// <summary>
/// Per mailbox and per domain: messages and recipients to external addresses per hour and per day.
/// Past a limit the reply is a temporary 451 4.7.1 with a sentence, so the mail waits at the client
/// instead of being lost; the refusal is counted in the send log.
/// </summary>
public sealed class RateLimiter(IPolicyStore store, PolicyOptions options, TimeProvider time)
{
    bool MailboxLimited => options.MailboxMessagesPerHour + options.MailboxMessagesPerDay + options.MailboxRecipientsPerHour + options.MailboxRecipientsPerDay > 0;
    bool DomainLimited => options.DomainMessagesPerHour + options.DomainMessagesPerDay + options.DomainRecipientsPerHour + options.DomainRecipientsPerDay > 0;

    /// <param name="pendingRecipients">External recipients already accepted in this transaction, this one included.</param>
    public async Task<SmtpReply?> RefusalAsync(string sender, string domain, int pendingRecipients, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (MailboxLimited)
        {
            var sent = await store.SentAsync(sender, null, now, cancellationToken);
            if (Exceeded(sender, sent, pendingRecipients, options.MailboxMessagesPerHour, options.MailboxMessagesPerDay,
                    options.MailboxRecipientsPerHour, options.MailboxRecipientsPerDay) is { } reply)
                return reply;
        }
        if (DomainLimited)
        {
            var sent = await store.SentAsync(null, domain, now, cancellationToken);
            if (Exceeded($"the domain {domain}", sent, pendingRecipients, options.DomainMessagesPerHour, options.DomainMessagesPerDay,
                    options.DomainRecipientsPerHour, options.DomainRecipientsPerDay) is { } reply)
                return reply;
        }
        return null;
    }

    static SmtpReply? Exceeded(string who, SentCounts sent, int pending, int messagesHour, int messagesDay, int recipientsHour, int recipientsDay)
    {
        static SmtpReply Reply(string who, int limit, string what, string period) =>
            new(451, "4.7.1", $"{who} has reached its limit of {limit} {what} to external recipients per {period}; try again later");
        if (messagesHour > 0 && sent.MessagesHour >= messagesHour)
            return Reply(who, messagesHour, "messages", "hour");
        if (messagesDay > 0 && sent.MessagesDay >= messagesDay)
            return Reply(who, messagesDay, "messages", "day");
        if (recipientsHour > 0 && sent.RecipientsHour + pending > recipientsHour)
            return Reply(who, recipientsHour, "recipients", "hour");
        if (recipientsDay > 0 && sent.RecipientsDay + pending > recipientsDay)
            return Reply(who, recipientsDay, "recipients", "day");
        return null;
    }
}
