using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Suppression;
using Entry = Outpost.Engine.Suppression.Suppression;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>What every suppression store must do, through <see cref="ISuppressionStore"/> alone.</summary>
public abstract class SuppressionStoreContract : IDisposable
{
    readonly FakeTimeProvider _time = StoreSet.NewClock();
    readonly Lazy<StoreSet> _stores;

    protected SuppressionStoreContract() => _stores = new(() => Open(_time));

    protected abstract StoreSet Open(TimeProvider time);

    ISuppressionStore Store => _stores.Value.Suppressions;

    Entry Make(string domain, string address, string reason, TimeSpan ago, DateTimeOffset? expires = null) =>
        new(domain, address, reason, SuppressionSources.Bounce, _time.GetUtcNow() - ago, expires, "0000000000AAAAAA", null);

    [Fact]
    public async Task An_entry_is_found_by_its_domain_and_address_only()
    {
        var entry = Make("example.com", "gone@remote.test", "550 5.1.1 no such user", TimeSpan.Zero, _time.GetUtcNow() + TimeSpan.FromDays(30));
        await Store.UpsertAsync(entry);
        Assert.Equal(entry, await Store.FindAsync("example.com", "gone@remote.test"));
        Assert.Null(await Store.FindAsync("other.example", "gone@remote.test"));
        Assert.Null(await Store.FindAsync("example.com", "here@remote.test"));
    }

    [Fact]
    public async Task A_later_bounce_replaces_the_entry_and_remove_takes_it_away_once()
    {
        await Store.UpsertAsync(Make("example.com", "gone@remote.test", "550 5.1.1 first", TimeSpan.FromDays(2)));
        var second = Make("example.com", "gone@remote.test", "550 5.1.1 second", TimeSpan.Zero);
        await Store.UpsertAsync(second);
        Assert.Equal("550 5.1.1 second", (await Store.FindAsync("example.com", "gone@remote.test"))!.Reason);
        Assert.Single(await Store.ListAsync("example.com", null, 10));

        Assert.True(await Store.RemoveAsync("example.com", "gone@remote.test"));
        Assert.False(await Store.RemoveAsync("example.com", "gone@remote.test"));
        Assert.Null(await Store.FindAsync("example.com", "gone@remote.test"));
    }

    [Fact]
    public async Task Lists_are_newest_first_filtered_by_domain_and_search_and_limited()
    {
        await Store.UpsertAsync(Make("example.com", "old@remote.test", "r", TimeSpan.FromDays(3)));
        await Store.UpsertAsync(Make("example.com", "new@remote.test", "r", TimeSpan.FromDays(1)));
        await Store.UpsertAsync(Make("example.com", "middle@elsewhere.test", "r", TimeSpan.FromDays(2)));
        await Store.UpsertAsync(Make("other.example", "new@remote.test", "r", TimeSpan.Zero));

        Assert.Equal(["new@remote.test", "middle@elsewhere.test", "old@remote.test"],
            (await Store.ListAsync("example.com", null, 10)).Select(s => s.Address));
        Assert.Equal(["other.example", "example.com", "example.com", "example.com"], (await Store.ListAsync(null, null, 10)).Select(s => s.Domain));
        Assert.Equal(["new@remote.test", "old@remote.test"], (await Store.ListAsync("example.com", "remote.test", 10)).Select(s => s.Address));
        Assert.Equal(2, (await Store.ListAsync(null, null, 2)).Count);
    }

    public void Dispose()
    {
        if (_stores.IsValueCreated)
            _stores.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
