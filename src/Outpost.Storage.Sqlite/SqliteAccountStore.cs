using Dapper;
using Outpost.Engine.Accounts;

namespace Outpost.Storage.Sqlite;

/// <summary>Domains and mailboxes in SQLite.</summary>
public sealed class SqliteAccountStore(SqliteDatabase db) : IAccountStore
{
    sealed record DomainRow(string name, string plan, long created_at)
    {
        public HostedDomain ToDomain() => new(name, Enum.Parse<Plan>(plan, true), Time.FromMs(created_at));
    }

    sealed record MailboxRow(string address, string domain, string password_hash, string role, long created_at)
    {
        public Mailbox ToMailbox() => new(address, domain, password_hash, Enum.Parse<MailboxRole>(role, true), Time.FromMs(created_at));
    }

    public async Task<HostedDomain?> GetDomainAsync(string name, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var row = await c.QuerySingleOrDefaultAsync<DomainRow>("SELECT name, plan, created_at FROM domains WHERE name = @name", new { name });
        return row?.ToDomain();
    }

    public async Task<IReadOnlyList<HostedDomain>> ListDomainsAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<DomainRow>("SELECT name, plan, created_at FROM domains ORDER BY name");
        return rows.Select(r => r.ToDomain()).ToList();
    }

    public Task AddDomainAsync(HostedDomain domain, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("INSERT INTO domains (name, plan, created_at) VALUES (@name, @plan, @at)",
            new { name = domain.Name, plan = domain.Plan.ToString().ToLowerInvariant(), at = domain.CreatedAt.ToMs() }, t), cancellationToken);

    public async Task<bool> SetPlanAsync(string name, Plan plan, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.Execute("UPDATE domains SET plan = @plan WHERE name = @name",
            new { name, plan = plan.ToString().ToLowerInvariant() }, t), cancellationToken) > 0;

    public async Task<Mailbox?> GetMailboxAsync(string address, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var row = await c.QuerySingleOrDefaultAsync<MailboxRow>(
            "SELECT address, domain, password_hash, role, created_at FROM mailboxes WHERE address = @address", new { address });
        return row?.ToMailbox();
    }

    public async Task<IReadOnlyList<Mailbox>> ListMailboxesAsync(string? domain, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<MailboxRow>(
            "SELECT address, domain, password_hash, role, created_at FROM mailboxes WHERE @domain IS NULL OR domain = @domain ORDER BY address", new { domain });
        return rows.Select(r => r.ToMailbox()).ToList();
    }

    public Task AddMailboxAsync(Mailbox mailbox, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO mailboxes (address, domain, password_hash, role, created_at) VALUES (@address, @domain, @hash, @role, @at)",
            new { address = mailbox.Address, domain = mailbox.Domain, hash = mailbox.PasswordHash, role = mailbox.Role.ToString().ToLowerInvariant(), at = mailbox.CreatedAt.ToMs() }, t),
            cancellationToken);

    public async Task<bool> SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.Execute("UPDATE mailboxes SET password_hash = @passwordHash WHERE address = @address",
            new { address, passwordHash }, t), cancellationToken) > 0;
}
