using Outpost.Engine.Accounts;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Accounts;

public sealed class AccountServiceTests : IDisposable
{
    readonly TempDirectory _dir = new();
    readonly SqliteDatabase _db;
    readonly AccountService _accounts;
    readonly SqliteAccountStore _store;

    public AccountServiceTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _store = new SqliteAccountStore(_db);
        var dkim = new Outpost.Engine.Signing.DkimKeyManager(new SqliteDomainDnsStore(_db), new Outpost.Engine.Signing.DkimKeyFiles(_dir.Path),
            new Outpost.Engine.Configuration.DkimOptions(), TimeProvider.System);
        _accounts = new AccountService(_store, dkim, TimeProvider.System);
    }

    [Fact]
    public async Task Passwords_are_stored_as_slow_hashes_and_verify()
    {
        await _accounts.AddDomainAsync("Example.COM", Plan.Paid);
        var mailbox = await _accounts.AddMailboxAsync("Alice@Example.com", "correct-horse-1", MailboxRole.User);
        Assert.Equal("alice@example.com", mailbox.Address);
        var stored = await _store.GetMailboxAsync("alice@example.com");
        Assert.DoesNotContain("correct-horse-1", stored!.PasswordHash);
        Assert.True(PasswordHashing.Verify(stored.PasswordHash, "correct-horse-1"));
        Assert.False(PasswordHashing.Verify(stored.PasswordHash, "correct-horse-2"));
        Assert.False(PasswordHashing.Verify(null, "anything"));
    }

    [Theory]
    [InlineData("alice@nothosted.test", "is not hosted here")]
    [InlineData("../etc@example.com", "not a valid mailbox address")]
    [InlineData("a/b@example.com", "may hold only")]
    [InlineData("not-an-address", "not a valid mailbox address")]
    public async Task Bad_mailboxes_are_refused_with_a_sentence(string address, string sentence)
    {
        await _accounts.AddDomainAsync("example.com", Plan.Paid);
        var ex = await Assert.ThrowsAsync<AccountException>(() => _accounts.AddMailboxAsync(address, "long-enough-1", MailboxRole.User));
        Assert.Contains(sentence, ex.Message);
    }

    [Fact]
    public async Task Short_passwords_and_duplicates_are_refused()
    {
        await _accounts.AddDomainAsync("example.com", Plan.Free);
        await Assert.ThrowsAsync<AccountException>(() => _accounts.AddMailboxAsync("bob@example.com", "short", MailboxRole.User));
        await _accounts.AddMailboxAsync("bob@example.com", "long-enough-1", MailboxRole.User);
        await Assert.ThrowsAsync<AccountException>(() => _accounts.AddMailboxAsync("BOB@example.com", "long-enough-1", MailboxRole.User));
        await Assert.ThrowsAsync<AccountException>(() => _accounts.AddDomainAsync("EXAMPLE.com", Plan.Paid));
    }

    [Fact]
    public async Task The_plan_can_be_changed()
    {
        await _accounts.AddDomainAsync("example.com", Plan.Free);
        await _accounts.SetPlanAsync("example.com", Plan.Paid);
        Assert.Equal(Plan.Paid, (await _store.GetDomainAsync("example.com"))!.Plan);
        await Assert.ThrowsAsync<AccountException>(() => _accounts.SetPlanAsync("other.test", Plan.Paid));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
