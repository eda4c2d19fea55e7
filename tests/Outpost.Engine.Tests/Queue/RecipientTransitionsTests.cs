using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Queue;

/// <summary>The lifecycle's one owner: the table of allowed changes, every pair of statuses, and the decisions it makes.</summary>
public sealed class RecipientTransitionsTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    static QueuedRecipient Recipient(RecipientStatus status, int attempts = 0) =>
        new(7, "0000000000AAAAAA", "bob@remote.test", "remote.test", Route.Remote, status, attempts, Now, null);

    static DeliveryAttempt Attempt(string reply) => new(Now, "direct", "mx.remote.test", "127.0.0.1", int.Parse(reply[..3], System.Globalization.CultureInfo.InvariantCulture), reply, null, TimeSpan.Zero);

    /// <summary>Every pair: allowed exactly when it is in this list, the lifecycle written out once more by hand.</summary>
    public static TheoryData<RecipientStatus, RecipientStatus, bool> Pairs()
    {
        var allowed = new HashSet<(RecipientStatus, RecipientStatus)>
        {
            (RecipientStatus.Queued, RecipientStatus.Delivering), (RecipientStatus.Deferred, RecipientStatus.Delivering), (RecipientStatus.Delivering, RecipientStatus.Delivering),
            (RecipientStatus.Queued, RecipientStatus.Delivered), (RecipientStatus.Queued, RecipientStatus.Deferred), (RecipientStatus.Queued, RecipientStatus.Bounced),
            (RecipientStatus.Delivering, RecipientStatus.Delivered), (RecipientStatus.Delivering, RecipientStatus.Deferred), (RecipientStatus.Delivering, RecipientStatus.Bounced),
            (RecipientStatus.Queued, RecipientStatus.Held), (RecipientStatus.Deferred, RecipientStatus.Held),
            (RecipientStatus.Held, RecipientStatus.Queued), (RecipientStatus.Held, RecipientStatus.Deferred), (RecipientStatus.Held, RecipientStatus.Bounced),
            (RecipientStatus.Delivering, RecipientStatus.Queued), (RecipientStatus.Delivering, RecipientStatus.Deferred),
            (RecipientStatus.Queued, RecipientStatus.Queued), (RecipientStatus.Deferred, RecipientStatus.Deferred),
        };
        var data = new TheoryData<RecipientStatus, RecipientStatus, bool>();
        foreach (var from in Enum.GetValues<RecipientStatus>())
            foreach (var to in Enum.GetValues<RecipientStatus>())
                data.Add(from, to, allowed.Contains((from, to)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_change_is_allowed_or_refused_as_the_lifecycle_says(RecipientStatus from, RecipientStatus to, bool allowed) =>
        Assert.Equal(allowed, RecipientTransitions.IsAllowed(from, to));

    [Fact]
    public void Nothing_leaves_a_final_status()
    {
        foreach (var final in RecipientStatusNames.Final)
            foreach (var to in Enum.GetValues<RecipientStatus>())
                Assert.False(RecipientTransitions.IsAllowed(final, to), $"{final} -> {to}");
    }

    [Fact]
    public void A_recipient_back_in_the_queue_is_queued_before_its_first_attempt_and_deferred_after()
    {
        Assert.Equal(RecipientStatus.Queued, RecipientTransitions.LeaseLost(Recipient(RecipientStatus.Delivering, attempts: 0)).To);
        Assert.Equal(RecipientStatus.Deferred, RecipientTransitions.LeaseLost(Recipient(RecipientStatus.Delivering, attempts: 2)).To);
        Assert.Equal(RecipientStatus.Queued, RecipientTransitions.Release(Recipient(RecipientStatus.Held), "r").To);
        var released = RecipientTransitions.Release(Recipient(RecipientStatus.Held, attempts: 1), "r");
        Assert.Equal((RecipientStatus.Deferred, LifecycleEvents.Released), (released.To, released.Event));
    }

    [Fact]
    public void A_temporary_failure_is_deferred_until_the_schedule_runs_out_and_then_expires_as_a_bounce()
    {
        var deferred = RecipientTransitions.Deferred(Recipient(RecipientStatus.Delivering, 1), Attempt("451 4.7.1 later"), Now.AddHours(1), TimeSpan.FromHours(2));
        Assert.Equal((RecipientStatus.Deferred, LifecycleEvents.Deferred, Now.AddHours(1)), (deferred.NewStatus, deferred.Event, deferred.NextAttemptAt));
        var expired = RecipientTransitions.Deferred(Recipient(RecipientStatus.Delivering, 9), Attempt("451 4.7.1 later"), null, TimeSpan.FromDays(5));
        Assert.Equal((RecipientStatus.Bounced, LifecycleEvents.Expired), (expired.NewStatus, expired.Event));
        Assert.StartsWith("Gave up after 5 days; the last try said: 451 4.7.1 later", expired.Attempt.Reply);
        Assert.Equal("4.7.1", RemoteReply.Of(expired.Attempt).Enhanced);
    }

    [Fact]
    public void A_change_the_table_does_not_allow_is_refused_before_it_reaches_the_store()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RecipientTransitions.Delivered(Recipient(RecipientStatus.Bounced), Attempt("250 ok")));
        Assert.Contains("cannot go from bounced to delivered", error.Message);
        Assert.Throws<InvalidOperationException>(() => RecipientTransitions.Hold(Recipient(RecipientStatus.Delivering), "r"));
        Assert.Throws<InvalidOperationException>(() => RecipientTransitions.Claim(Recipient(RecipientStatus.Held)));
    }

    [Fact]
    public void A_reply_is_kept_as_its_parts()
    {
        Assert.Equal(new RemoteReply(550, "5.1.1", "550 5.1.1 <bob@remote.test>: user unknown"), RemoteReply.Of(Attempt("550 5.1.1 <bob@remote.test>: user unknown")));
        Assert.Null(RemoteReply.Of(Attempt("554 no thanks")).Enhanced);
        Assert.Null(RemoteReply.EnhancedIn("version 5.10.2000 of the policy"));
    }
}
