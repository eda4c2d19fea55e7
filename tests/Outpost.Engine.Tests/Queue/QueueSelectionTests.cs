using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Queue;

/// <summary>A selection as a person types it: each criterion read, the first bad one refused with its sentence, a domain admin's reach, the canonical text.</summary>
public sealed class QueueSelectionTests
{
    static QueueSelection? Parse(string? message = null, string? domain = null, string? sender = null, string? channel = null, string? status = null,
        string? olderThan = null, bool all = false) =>
        QueueSelection.Parse(message, domain, sender, channel, status, olderThan, all, out _);

    static string Error(string? message = null, string? domain = null, string? sender = null, string? channel = null, string? status = null,
        string? olderThan = null, bool all = false)
    {
        Assert.Null(QueueSelection.Parse(message, domain, sender, channel, status, olderThan, all, out var error));
        return error!;
    }

    [Fact]
    public void Every_criterion_is_read_and_written_back_in_one_canonical_text()
    {
        var s = Parse(" 01m8eh55fhs5ke1j ", "Remote.TEST", "Alice@Example.com", "EU-1", "Deferred", "90m")!;
        Assert.Equal(("01M8EH55FHS5KE1J", "remote.test", "alice@example.com", "eu-1", RecipientStatus.Deferred, TimeSpan.FromMinutes(90)),
            (s.MessageId, s.Domain, s.Sender, s.Channel, s.Status, s.OlderThan));
        Assert.Equal("message=01M8EH55FHS5KE1J domain=remote.test sender=alice@example.com channel=eu-1 status=deferred older-than=90m", s.ToString());
        Assert.Equal("example.com", s.SenderDomain);
    }

    [Fact]
    public void A_sender_is_an_address_a_whole_domain_or_the_null_sender()
    {
        Assert.Equal(("@example.com", "example.com"), (Parse(sender: "@Example.com")!.Sender, Parse(sender: "@example.com")!.SenderDomain));
        var bounces = Parse(sender: "<>")!;
        Assert.Equal(("", null, "sender=<>"), (bounces.Sender, bounces.SenderDomain, bounces.ToString()));
        Assert.Equal("remote.test", Parse(domain: "@remote.test")!.Domain);   // a domain typed like a sender's still means the recipients'
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("3d", 3 * 86400)]
    [InlineData("1w", 7 * 86400)]
    [InlineData("45s", 45)]
    [InlineData("01:30:00", 5400)]
    [InlineData("0m", 0)]
    public void An_age_is_a_number_and_a_unit_or_a_time_span(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), QueueSelection.ParseAge(text));
        Assert.Equal(TimeSpan.FromSeconds(seconds), QueueSelection.ParseAge(QueueSelection.FormatAge(TimeSpan.FromSeconds(seconds))));
    }

    [Fact]
    public void Each_bad_criterion_gets_its_sentence()
    {
        Assert.Equal("'../etc' is not a queue id; queue ids are letters and digits, as shown by the queue list.", Error(message: "../etc"));
        Assert.Equal("'remote test' is not a domain; give the recipients' domain, e.g. example.com.", Error(domain: "remote test"));
        Assert.Equal("'-x.test' is not a domain; give the recipients' domain, e.g. example.com.", Error(domain: "-x.test"));
        Assert.Equal("'a..b' is not a domain; give the recipients' domain, e.g. example.com.", Error(domain: "a..b"));
        Assert.Equal("'alice' is not a sender; give an address (alice@example.com), a whole domain (@example.com) or <> for bounces.", Error(sender: "alice"));
        Assert.StartsWith("'a b@x.test' is not a sender", Error(sender: "a b@x.test"));
        Assert.Equal("'eu 1' is not a channel name; see outpost channel list (local means hosted mailboxes).", Error(channel: "eu 1"));
        Assert.Equal("'delivered' is not a waiting status; use one of queued, deferred, delivering, held.", Error(status: "delivered"));
        Assert.Equal("'soon' is not an age; use e.g. 30m, 2h or 3d (at most 3650 days).", Error(olderThan: "soon"));
        Assert.StartsWith("'99999d' is not an age", Error(olderThan: "99999d"));
        Assert.StartsWith("'-5m' is not an age", Error(olderThan: "-5m"));
        Assert.Equal("Either name criteria or say all, not both.", Error(domain: "x.test", all: true));
        Assert.Equal($"A selection criterion is one line of at most {QueueSelection.MaxLength} characters.", Error(domain: new string('a', 400)));
        Assert.Equal($"A selection criterion is one line of at most {QueueSelection.MaxLength} characters.", Error(domain: "x.test\r\nbcc"));
        // The first bad one is named.
        Assert.StartsWith("'x y' is not a domain", Error(domain: "x y", status: "nope"));
    }

    [Fact]
    public void Blank_criteria_are_not_given_and_an_action_needs_some_or_all()
    {
        var none = Parse("", " ", null, "", null, "")!;
        Assert.False(none.HasCriteria);
        Assert.Equal("all", none.ToString());
        Assert.StartsWith("Say which recipients:", none.NeedsCriteria());
        Assert.Null(Parse(all: true)!.NeedsCriteria());
        Assert.Null(Parse(status: "held")!.NeedsCriteria());
    }

    [Fact]
    public void A_domain_admin_reaches_only_the_mail_of_its_own_senders()
    {
        Assert.Equal("domain=remote.test sender=@example.com", Parse(domain: "remote.test")!.ScopedTo("Example.com", out _)!.ToString());
        Assert.Equal("sender=@example.com", QueueSelection.Everything.ScopedTo("example.com", out _)!.ToString());
        Assert.Equal("sender=bob@example.com", Parse(sender: "bob@example.com")!.ScopedTo("example.com", out _)!.ToString());

        Assert.Null(Parse(sender: "mallory@other.test")!.ScopedTo("example.com", out var error));
        Assert.Equal("You may select only mail from senders of example.com.", error);
        Assert.Null(Parse(sender: "<>")!.ScopedTo("example.com", out error));
        Assert.Equal("You may select only mail from senders of example.com.", error);
    }

    [Fact]
    public void The_channel_is_matched_by_name_and_local_means_hosted_mailboxes()
    {
        Assert.True(Parse(channel: "EU-1")!.MatchesChannel("eu-1"));
        Assert.False(Parse(channel: "eu-1")!.MatchesChannel("direct"));
        Assert.True(Parse()!.MatchesChannel("anything"));
        Assert.Equal(QueueSelection.LocalChannel, Parse(channel: "local")!.Channel);
    }
}
