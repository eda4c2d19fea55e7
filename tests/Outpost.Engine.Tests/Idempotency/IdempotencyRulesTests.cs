using Outpost.Engine.Idempotency;

namespace Outpost.Engine.Tests.Idempotency;

/// <summary>The state machine of a key as a table: what a request may do, given the key's row as it stands.</summary>
public sealed class IdempotencyRulesTests
{
    static readonly DateTimeOffset Created = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan Window = TimeSpan.FromHours(24);

    static IdempotencyRecord Key(IdempotencyState state, string hash = "h1", TimeSpan? claimedAfter = null) =>
        new(1, "key:k1", "kh", hash, state, "t1", Created, Created + (claimedAfter ?? TimeSpan.Zero), state == IdempotencyState.Done ? "M1" : null,
            state == IdempotencyState.Done ? new StoredAnswer(202, "{}") : null);

    public static TheoryData<string, IdempotencyRecord?, string, TimeSpan, IdempotencyDecision> Table() => new()
    {
        // what                                         key                                             request  time after creation           decision
        { "unknown key",                                null,                                            "h1",   TimeSpan.Zero,                 IdempotencyDecision.Take },
        { "done, same request",                         Key(IdempotencyState.Done),                      "h1",   TimeSpan.FromHours(1),         IdempotencyDecision.Replay },
        { "done, same request, just inside window",     Key(IdempotencyState.Done),                      "h1",   Window - TimeSpan.FromSeconds(1), IdempotencyDecision.Replay },
        { "done, window over",                          Key(IdempotencyState.Done),                      "h1",   Window,                        IdempotencyDecision.Take },
        { "done, different request",                    Key(IdempotencyState.Done),                      "h2",   TimeSpan.FromHours(1),         IdempotencyDecision.Mismatch },
        { "done, different request, window over",       Key(IdempotencyState.Done),                      "h2",   Window,                        IdempotencyDecision.Take },
        { "in progress, same request",                  Key(IdempotencyState.InProgress),                "h1",   TimeSpan.FromSeconds(5),       IdempotencyDecision.Busy },
        { "in progress, just before stale",             Key(IdempotencyState.InProgress),                "h1",   IdempotencyRules.StaleAfter - TimeSpan.FromMilliseconds(1), IdempotencyDecision.Busy },
        { "in progress, stale",                         Key(IdempotencyState.InProgress),                "h1",   IdempotencyRules.StaleAfter,   IdempotencyDecision.Take },
        { "in progress, different request",             Key(IdempotencyState.InProgress),                "h2",   TimeSpan.FromSeconds(5),       IdempotencyDecision.Mismatch },
        { "in progress, different request, stale",      Key(IdempotencyState.InProgress),                "h2",   TimeSpan.FromMinutes(5),       IdempotencyDecision.Mismatch },
        { "taken over later: stale counts from claim",  Key(IdempotencyState.InProgress, claimedAfter: TimeSpan.FromMinutes(10)), "h1", TimeSpan.FromMinutes(10.5), IdempotencyDecision.Busy },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides(string what, IdempotencyRecord? key, string requestHash, TimeSpan after, IdempotencyDecision expected) =>
        Assert.True(expected == IdempotencyRules.Decide(key, requestHash, Created + after, Window), what);

    [Theory]
    [InlineData("a", true)]
    [InlineData("order-42/attempt 1", true)]
    [InlineData(" !~", true)]
    [InlineData("", false)]
    [InlineData("tab\there", false)]
    [InlineData("line\r\nbreak", false)]
    [InlineData("naïve", false)]
    [InlineData("\u007f", false)]
    public void A_key_is_1_to_255_printable_ascii_characters(string key, bool valid) => Assert.Equal(valid, IdempotencyRules.IsValidKey(key));

    [Fact]
    public void A_key_may_be_255_characters_long_but_not_256()
    {
        Assert.True(IdempotencyRules.IsValidKey(new string('k', 255)));
        Assert.False(IdempotencyRules.IsValidKey(new string('k', 256)));
    }

    [Theory]
    [InlineData(202, false)]
    [InlineData(400, false)]
    [InlineData(403, false)]
    [InlineData(413, false)]
    [InlineData(422, false)]
    [InlineData(409, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public void Only_conflicts_rate_limits_and_server_errors_are_transient(int status, bool transient) =>
        Assert.Equal(transient, IdempotencyRules.IsTransient(status));
}
