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
            // an operator's delete: silently (deleted) or with a bounce (a deferred one bounces only this way)
            (RecipientStatus.Queued, RecipientStatus.Deleted), (RecipientStatus.Deferred, RecipientStatus.Deleted), (RecipientStatus.Held, RecipientStatus.Deleted),
            (RecipientStatus.Deferred, RecipientStatus.Bounced),
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
    public void Deleted_is_final_and_has_its_own_event()
    {
        Assert.True(RecipientStatus.Deleted.IsFinal());
        Assert.DoesNotContain(RecipientStatus.Deleted, RecipientStatusNames.Waiting);
        Assert.Contains(LifecycleEvents.Deleted, LifecycleEvents.All);
        Assert.Equal(RecipientStatus.Deleted, RecipientStatusNames.Parse("deleted"));
    }

    /// <summary>Which waiting statuses each operator action reaches, written out by hand: every pair.</summary>
    public static TheoryData<QueueAction, RecipientStatus, bool> Reaches()
    {
        var reached = new HashSet<(QueueAction, RecipientStatus)>
        {
            (QueueAction.Hold, RecipientStatus.Queued), (QueueAction.Hold, RecipientStatus.Deferred),
            (QueueAction.Release, RecipientStatus.Held),
            (QueueAction.Retry, RecipientStatus.Deferred),
            (QueueAction.Delete, RecipientStatus.Queued), (QueueAction.Delete, RecipientStatus.Deferred), (QueueAction.Delete, RecipientStatus.Held),
            (QueueAction.Bounce, RecipientStatus.Queued), (QueueAction.Bounce, RecipientStatus.Deferred), (QueueAction.Bounce, RecipientStatus.Held),
        };
        var data = new TheoryData<QueueAction, RecipientStatus, bool>();
        foreach (var action in Enum.GetValues<QueueAction>())
            foreach (var status in Enum.GetValues<RecipientStatus>())
                data.Add(action, status, reached.Contains((action, status)));
        return data;
    }

    [Theory]
    [MemberData(nameof(Reaches))]
    public void An_operator_action_reaches_the_statuses_the_lifecycle_lets_it_change(QueueAction action, RecipientStatus status, bool reached)
    {
        Assert.Equal(reached, RecipientTransitions.Applies(action, status));
        if (!reached)
            return;
        // What it reaches, the table allows: the owner's decision never throws for it.
        var r = Recipient(status, attempts: 1);
        var attempt = new DeliveryAttempt(Now, null, null, null, null, "Deleted by the operator: spam", null, TimeSpan.Zero);
        var to = action switch
        {
            QueueAction.Hold => RecipientTransitions.Hold(r, "why").To,
            QueueAction.Release => RecipientTransitions.Release(r, "why").To,
            QueueAction.Retry => RecipientTransitions.RetryNow(r, "why").To,
            QueueAction.Delete => RecipientTransitions.Delete(r, "why", "Deleted by the operator: spam").To,
            _ => RecipientTransitions.DeletedWithBounce(r, attempt, "why").NewStatus,
        };
        Assert.True(RecipientTransitions.IsAllowed(status, to));
    }

    [Fact]
    public void An_operators_changes_spare_a_leased_recipient_and_say_why()
    {
        var hold = RecipientTransitions.Hold(Recipient(RecipientStatus.Queued), "held by anna: spam run (audit 3)");
        Assert.Equal((RecipientStatus.Held, LifecycleEvents.Held, "held by anna: spam run (audit 3)", true), (hold.To, hold.Event, hold.Reason, hold.UnlessLeased));

        var retry = RecipientTransitions.RetryNow(Recipient(RecipientStatus.Deferred, 2), "retried by anna");
        Assert.Equal((RecipientStatus.Deferred, false, true), (retry.To, retry.ChangesStatus, retry.UnlessLeased));   // no status change, so no event

        var delete = RecipientTransitions.Delete(Recipient(RecipientStatus.Held, 1), "deleted by anna: spam", "Deleted by the operator: spam");
        Assert.Equal((RecipientStatus.Deleted, LifecycleEvents.Deleted, "Deleted by the operator: spam", true), (delete.To, delete.Event, delete.Reply, delete.UnlessLeased));

        var attempt = new DeliveryAttempt(Now, null, null, null, null, "Deleted by the operator: spam", null, TimeSpan.Zero);
        var bounce = RecipientTransitions.DeletedWithBounce(Recipient(RecipientStatus.Deferred, 1), attempt, "bounced by anna: spam");
        Assert.Equal((RecipientStatus.Bounced, LifecycleEvents.Bounced, "bounced by anna: spam", true), (bounce.NewStatus, bounce.Event, bounce.Reason, bounce.UnlessLeased));

        // A delivery's own changes carry no such guard: the delivery holds the lease.
        Assert.False(RecipientTransitions.Claim(Recipient(RecipientStatus.Queued)).UnlessLeased);
        Assert.False(RecipientTransitions.Delivered(Recipient(RecipientStatus.Delivering), Attempt("250 ok")).UnlessLeased);
        Assert.Throws<InvalidOperationException>(() => RecipientTransitions.Delete(Recipient(RecipientStatus.Delivering), "r", "r"));
        Assert.Throws<InvalidOperationException>(() => RecipientTransitions.DeletedWithBounce(Recipient(RecipientStatus.Deleted), attempt, "r"));
    }

    [Fact]
    public void A_reply_is_kept_as_its_parts()
    {
        Assert.Equal(new RemoteReply(550, "5.1.1", "550 5.1.1 <bob@remote.test>: user unknown"), RemoteReply.Of(Attempt("550 5.1.1 <bob@remote.test>: user unknown")));
        Assert.Null(RemoteReply.Of(Attempt("554 no thanks")).Enhanced);
        Assert.Null(RemoteReply.EnhancedIn("version 5.10.2000 of the policy"));
    }
}
