using Outpost.Engine.Accounts;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>What every API key store must do, through <see cref="IApiKeyStore"/> alone.</summary>
public abstract class ApiKeyStoreContract : StoreContract
{
    IApiKeyStore Store => Stores.ApiKeys;

    [Fact]
    public async Task Keys_are_found_by_id_listed_oldest_first_and_revoked_once()
    {
        var older = new ApiKey("k-older", "domain", "a.example", "sha256-1", Now - TimeSpan.FromHours(1), null);
        var newer = new ApiKey("k-newer", "mailbox", "anna@a.example", "sha256-2", Now, null);
        await Store.AddAsync(newer);
        await Store.AddAsync(older);

        Assert.Equal(older, await Store.GetAsync("k-older"));
        Assert.Null(await Store.GetAsync("k-none"));
        Assert.Equal(["k-older", "k-newer"], (await Store.ListAsync()).Select(k => k.Id));

        var at = Now + TimeSpan.FromMinutes(5);
        Assert.True(await Store.RevokeAsync("k-newer", at));
        Assert.False(await Store.RevokeAsync("k-newer", at + TimeSpan.FromMinutes(1)));
        Assert.False(await Store.RevokeAsync("k-none", at));
        Assert.Equal(at, (await Store.GetAsync("k-newer"))!.RevokedAt);
        Assert.Null((await Store.GetAsync("k-older"))!.RevokedAt);
    }
}
