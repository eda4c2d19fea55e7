using Outpost.Engine.Routing.Channels;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>What every channel store must do (channels and their health), through <see cref="IChannelStore"/> alone.</summary>
public abstract class ChannelStoreContract : StoreContract
{
    IChannelStore Store => Stores.Channels;

    static readonly Channel Direct = new("eu-1", ChannelKind.Direct, "127.0.0.2", "mx1.outpost.test", "eu", 10, 50, true, null, 0, RelayTls.StartTls, true, null, null);
    static readonly Channel Relay = new("relay", ChannelKind.Relay, null, null, null, 0, 100, false, "127.0.0.3", 465, RelayTls.Implicit, false, "user", "sealed-password");

    [Fact]
    public async Task Channels_are_kept_whole_listed_by_name_enabled_and_removed_once()
    {
        await Store.AddAsync(Relay);
        await Store.AddAsync(Direct);
        Assert.Equal([Direct, Relay], await Store.ListAsync());

        Assert.True(await Store.SetEnabledAsync("relay", true));
        Assert.True(await Store.SetEnabledAsync("eu-1", false));
        Assert.False(await Store.SetEnabledAsync("none", true));
        Assert.Equal([Direct with { Enabled = false }, Relay with { Enabled = true }], await Store.ListAsync());

        await Store.SaveHealthAsync(new ChannelHealth("relay", "remote.test", 2, "421 busy", Now + TimeSpan.FromMinutes(5), Now));
        Assert.True(await Store.RemoveAsync("relay"));
        Assert.False(await Store.RemoveAsync("relay"));
        Assert.Equal(["eu-1"], (await Store.ListAsync()).Select(c => c.Name));
        // A removed channel's health goes with it.
        Assert.Empty(await Store.HealthAsync());
    }

    [Fact]
    public async Task Health_is_one_row_per_channel_and_destination_the_latest_save_replacing_the_last()
    {
        await Store.SaveHealthAsync(new ChannelHealth("eu-1", "remote.test", 1, "421 busy", null, Now));
        await Store.SaveHealthAsync(new ChannelHealth("eu-1", "other.test", 3, "timeout", Now + TimeSpan.FromMinutes(10), Now));
        var later = new ChannelHealth("eu-1", "remote.test", 0, null, null, Now + TimeSpan.FromMinutes(1));
        await Store.SaveHealthAsync(later);

        var health = (await Store.HealthAsync()).OrderBy(h => h.Destination, StringComparer.Ordinal).ToList();
        Assert.Equal([new ChannelHealth("eu-1", "other.test", 3, "timeout", Now + TimeSpan.FromMinutes(10), Now), later], health);
    }
}
