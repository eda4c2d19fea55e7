using Outpost.Engine.Policy;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>What every store of bulk-duplicate counts must do, through <see cref="IBulkStore"/> alone.</summary>
public abstract class BulkStoreContract : StoreContract
{
    IBulkStore Store => Stores.Bulk;

    [Fact]
    public async Task Pairs_keep_their_latest_time_old_ones_are_pruned_and_every_bit_of_a_fingerprint_survives()
    {
        // A fingerprint with its top bit set is kept as the same 64 bits.
        const ulong high = 0xF00D_0000_0000_BEEF;
        await Store.AddAsync([(high, "x@remote.test", Now - TimeSpan.FromMinutes(30)), (7, "y@remote.test", Now - TimeSpan.FromHours(30))], Now - TimeSpan.FromDays(2));
        // The same pair twice in one call and again later: the latest time wins, an older one never replaces it.
        await Store.AddAsync([(high, "x@remote.test", Now - TimeSpan.FromMinutes(10)), (high, "x@remote.test", Now - TimeSpan.FromMinutes(20)),
            (7, "z@remote.test", Now)], Now - TimeSpan.FromDays(2));
        await Store.AddAsync([(high, "x@remote.test", Now - TimeSpan.FromHours(1))], Now - TimeSpan.FromDays(2));

        var all = (await Store.LoadAsync(Now - TimeSpan.FromDays(3))).OrderBy(r => r.Recipient, StringComparer.Ordinal).ToList();
        Assert.Equal([(high, "x@remote.test", Now - TimeSpan.FromMinutes(10)), (7UL, "y@remote.test", Now - TimeSpan.FromHours(30)), (7UL, "z@remote.test", Now)], all);
        Assert.Equal(["x@remote.test", "z@remote.test"], (await Store.LoadAsync(Now - TimeSpan.FromDays(1))).Select(r => r.Recipient).Order(StringComparer.Ordinal));

        // Pruning removes what was seen before the cutoff, even in a call that adds nothing.
        await Store.AddAsync([], Now - TimeSpan.FromDays(1));
        Assert.Equal(2, (await Store.LoadAsync(Now - TimeSpan.FromDays(3))).Count);
    }
}
