namespace Outpost.Engine.Complaints;

/// <summary>How a report was matched to the original message, tried in this order.</summary>
public static class MatchMethods
{
    /// <summary>The original's X-Outpost-Id header (or Outpost's Received line), which names the queue id.</summary>
    public const string QueueId = "queue-id";

    /// <summary>The original's Message-ID, as Outpost recorded it when it accepted the message.</summary>
    public const string MessageId = "message-id";

    /// <summary>The envelope sender, a recipient and the date, looked up in the send log.</summary>
    public const string SenderRecipientDate = "sender-recipient-date";

    public static string Words(string method) => method switch
    {
        QueueId => "queue id (X-Outpost-Id)",
        MessageId => "Message-ID",
        _ => "sender, recipient and date",
    };
}
