using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Queue;

/// <summary>The sending domain a message and its events are filed under.</summary>
public sealed class QueuedMessageTests
{
    static QueuedMessage From(string sender, string source) =>
        new("0000000000AAAAAA", sender, "s", 1, null, "127.0.0.1", "h", source, DateTimeOffset.UnixEpoch, "/spool/x");

    [Fact]
    public void A_message_is_filed_under_its_senders_domain_but_a_feedback_report_under_none()
    {
        Assert.Equal("example.com", From("alice@example.com", "submission").SenderDomain);
        Assert.Equal("", From("", "relay").SenderDomain);
        // Anyone may send to the feedback listener under any sender: it must not reach that domain's webhooks or log.
        Assert.Equal("", From("ceo@customer.example", QueuedMessage.FeedbackSource).SenderDomain);
    }
}
