using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every node store must do: a heartbeat writes (and replaces) the node's row, the list shows each node
/// by name with the leases it holds now (its own, not run out), and the Engine's <see cref="NodeList"/> calls
/// a node gone once its last beat is older than the lease time.
/// </summary>
public abstract class NodeStoreContract : StoreContract
{
    readonly LeaseRules _rules = new(TimeSpan.FromSeconds(10));

    NewMessage Message(string id, params string[] recipients) => new(
        new QueuedMessage(id, "a@one.test", "s", 10, "a@one.test", "127.0.0.1", "h", "submission", Now, "/spool/" + id),
        recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList());

    [Fact]
    public async Task Each_node_is_listed_with_its_beat_version_start_and_the_leases_it_holds_now()
    {
        var started = Now;
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-b", "1.2.0", "mx2", started, Now));
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-a", "1.2.0", "mx1", started, Now));
        // Node a holds two recipients, node b one of its own.
        await Stores.QueueOf(new NodeIdentity("node-a")).EnqueueAsync([Message("NODES00000000001", "r1@x.test", "r2@x.test")], _rules.Until(Now));
        await Stores.QueueOf(new NodeIdentity("node-b")).EnqueueAsync([Message("NODES00000000002", "r3@x.test")], _rules.Until(Now));

        Time.Advance(TimeSpan.FromSeconds(5));
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-a", "1.3.0", "mx1", started, Now));
        var rows = await Stores.Nodes.ListAsync(Now, 10);
        Assert.Equal(["node-a", "node-b"], rows.Select(r => r.Id));
        Assert.Equal(("1.3.0", "mx1", started, Now, 2), (rows[0].Version, rows[0].Host, rows[0].StartedAt, rows[0].LastBeat, rows[0].LeasesHeld));
        Assert.Equal(("1.2.0", "mx2", started, started, 1), (rows[1].Version, rows[1].Host, rows[1].StartedAt, rows[1].LastBeat, rows[1].LeasesHeld));

        // Past the lease time nobody renewed anything: leases that ran out are held by nobody.
        Time.Advance(_rules.LeaseTime);
        Assert.All(await Stores.Nodes.ListAsync(Now, 10), r => Assert.Equal(0, r.LeasesHeld));
        Assert.Single(await Stores.Nodes.ListAsync(Now, 1));
    }

    [Fact]
    public async Task A_node_without_a_beat_for_longer_than_the_lease_time_is_gone_and_a_restart_replaces_its_row()
    {
        var list = new NodeList(Stores.Nodes, _rules, Time);
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-a", "1.0.0", "mx1", Now, Now));
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-b", "1.0.0", "mx2", Now, Now));
        Time.Advance(_rules.LeaseTime);
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-b", "1.0.0", "mx2", Now - _rules.LeaseTime, Now));
        // Exactly one lease time without a beat: not yet gone.
        Assert.All(await list.ListAsync(), n => Assert.False(n.Gone));

        Time.Advance(TimeSpan.FromSeconds(1));
        var states = await list.ListAsync();
        Assert.Equal([("node-a", "gone"), ("node-b", "live")], states.Select(n => (n.Id, n.Status)));

        // Node a comes back: started now, live again.
        await Stores.Nodes.RecordBeatAsync(new NodeBeat("node-a", "1.1.0", "mx1", Now, Now));
        var back = (await list.ListAsync())[0];
        Assert.Equal(("live", "1.1.0", Now), (back.Status, back.Version, back.StartedAt));
    }
}
