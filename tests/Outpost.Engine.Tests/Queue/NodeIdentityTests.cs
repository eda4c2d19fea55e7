using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Queue;

public sealed class NodeIdentityTests
{
    [Fact]
    public void A_node_without_a_configured_name_makes_one_once_and_finds_it_again_after_a_restart()
    {
        using var dir = new TempDirectory();
        var first = NodeIdentity.Resolve(new StorageOptions(), dir.Path);
        var again = NodeIdentity.Resolve(new StorageOptions(), dir.Path);

        Assert.Equal(first, again);
        Assert.Equal(first.Id + "\n", File.ReadAllText(Path.Combine(dir.Path, NodeIdentity.FileName)));
        Assert.Matches("-[0-9a-f]{6}$", first.Id);
    }

    [Fact]
    public void Two_machines_with_the_same_host_name_get_different_names()
    {
        var names = Enumerable.Range(0, 20).Select(_ => NodeIdentity.Make("mx").Id).ToHashSet();
        Assert.True(names.Count > 15, $"only {names.Count} different names in 20");
        Assert.All(names, n => Assert.StartsWith("mx-", n, StringComparison.Ordinal));
    }

    [Fact]
    public void A_host_name_that_a_node_name_cannot_hold_is_cut_to_what_it_can()
    {
        var made = NodeIdentity.Make("höst name/" + new string('x', 100)).Id;
        Assert.True(StorageOptions.IsNodeId(made), made);
        Assert.StartsWith("hstname", made, StringComparison.Ordinal);
        Assert.Equal(StorageOptions.LongestNodeId, made.Length);
    }

    [Fact]
    public void A_configured_name_wins_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        Assert.Equal("mx1", NodeIdentity.Resolve(new StorageOptions { NodeId = " mx1 " }, dir.Path).Id);
        Assert.False(File.Exists(Path.Combine(dir.Path, NodeIdentity.FileName)));
    }

    [Fact]
    public void A_damaged_node_id_file_is_refused_with_a_sentence_not_replaced()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, NodeIdentity.FileName), "not a name!\n");
        var e = Assert.Throws<InvalidOperationException>(() => NodeIdentity.Resolve(new StorageOptions(), dir.Path));
        Assert.EndsWith("does not hold a node name; delete it or set Storage:NodeId.", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mx 1")]
    [InlineData("mx1;drop")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void A_configured_name_that_is_not_a_node_name_is_refused_at_start(string name)
    {
        var problem = new StorageOptions { NodeId = name }.Problem();
        Assert.NotNull(problem);
        Assert.StartsWith("Storage:NodeId '", problem, StringComparison.Ordinal);
        Assert.EndsWith("is not a node name; use 1 to 64 letters, digits, '.', '-' or '_', e.g. mx1.", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7200)]
    public void A_lease_time_out_of_range_is_refused_at_start(int seconds)
    {
        var problem = new StorageOptions { LeaseTime = TimeSpan.FromSeconds(seconds) }.Problem();
        Assert.Equal($"Storage:LeaseTime is {TimeSpan.FromSeconds(seconds)}; use between 00:00:03 and 01:00:00 (the default is 00:01:00).", problem);
        Assert.Null(new StorageOptions().Problem());
    }

    [Fact]
    public void The_heartbeat_beats_three_times_a_lease_and_a_claim_is_renewed_for_at_most_the_longest_hold()
    {
        var rules = new LeaseRules(TimeSpan.FromSeconds(60));
        var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(20), rules.HeartbeatEvery);
        Assert.Equal(now.AddSeconds(60), rules.Until(now));
        Assert.Equal(now - TimeSpan.FromMinutes(15), rules.RenewClaimsSince(now));
        // A lease longer than the usual hold is held at least one lease.
        Assert.Equal(TimeSpan.FromMinutes(30), new LeaseRules(TimeSpan.FromMinutes(30)).LongestHold);
    }
}
