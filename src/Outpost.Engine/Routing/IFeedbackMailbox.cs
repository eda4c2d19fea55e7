using Outpost.Engine.Queue;

namespace Outpost.Engine.Routing;

/// <summary>
/// Where a message to one of the <see cref="FeedbackAddresses"/> goes instead of a Maildir: local delivery
/// hands it the spooled copy, and the complaint reader (a layer above delivery) implements it. The
/// answer is the sentence the attempt records.
/// </summary>
public interface IFeedbackMailbox
{
    /// <summary>Reads and stores the report; throws when it could not be stored, so the copy is tried again.</summary>
    Task<string> ReadAsync(QueuedMessage report, QueuedRecipient feedbackAddress, CancellationToken cancellationToken = default);
}
