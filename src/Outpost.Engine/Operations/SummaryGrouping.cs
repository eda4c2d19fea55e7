namespace Outpost.Engine.Operations;

/// <summary>What the queue summary counts by: the recipients' domain, the senders' domain, or the channel they would go through.</summary>
public enum SummaryGrouping
{
    Domain,
    Sender,
    Channel,
}
