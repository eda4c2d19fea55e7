using Npgsql;
using Outpost.Engine.Accounts;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Domains and mailboxes in PostgreSQL, shared by every node (a mailbox added on one can log in on all).
/// Names are ordered byte by byte (<c>COLLATE "C"</c>), as SQLite orders them, whatever the database's collation.
/// Security: password hashes only, made by the engine; nothing here sees a password.
/// </summary>
public sealed class PostgresAccountStore(PostgresDatabase db) : IAccountStore
{
    const string DomainColumns = "name, plan, created_at";
    const string MailboxColumns = "address, domain, password_hash, role, created_at";

    static HostedDomain Domain(NpgsqlDataReader r) => new(r.GetString(0), Enum.Parse<Plan>(r.GetString(1), true), r.Time(2));

    static Mailbox Mailbox(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<MailboxRole>(r.GetString(3), true), r.Time(4));

    public async Task<HostedDomain?> GetDomainAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {DomainColumns} FROM domains WHERE name = @name");
        command.Parameters.Text("name", name);
        return (await command.ListAsync(Domain, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<HostedDomain>> ListDomainsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {DomainColumns} FROM domains ORDER BY name COLLATE \"C\"");
        return await command.ListAsync(Domain, cancellationToken);
    }

    public Task AddDomainAsync(HostedDomain domain, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("INSERT INTO domains (name, plan, created_at) VALUES (@name, @plan, @at)");
            command.Parameters.Text("name", domain.Name).Text("plan", domain.Plan.ToString().ToLowerInvariant()).Time("at", domain.CreatedAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<bool> SetPlanAsync(string name, Plan plan, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE domains SET plan = @plan WHERE name = @name");
            command.Parameters.Text("name", name).Text("plan", plan.ToString().ToLowerInvariant());
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken) > 0;

    public async Task<Mailbox?> GetMailboxAsync(string address, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {MailboxColumns} FROM mailboxes WHERE address = @address");
        command.Parameters.Text("address", address);
        return (await command.ListAsync(Mailbox, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Mailbox>> ListMailboxesAsync(string? domain, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {MailboxColumns} FROM mailboxes WHERE @domain IS NULL OR domain = @domain ORDER BY address COLLATE \"C\"");
        command.Parameters.Text("domain", domain);
        return await command.ListAsync(Mailbox, cancellationToken);
    }

    public Task AddMailboxAsync(Mailbox mailbox, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command($"INSERT INTO mailboxes ({MailboxColumns}) VALUES (@address, @domain, @hash, @role, @at)");
            command.Parameters.Text("address", mailbox.Address).Text("domain", mailbox.Domain).Text("hash", mailbox.PasswordHash)
                .Text("role", mailbox.Role.ToString().ToLowerInvariant()).Time("at", mailbox.CreatedAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<bool> SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE mailboxes SET password_hash = @hash WHERE address = @address");
            command.Parameters.Text("address", address).Text("hash", passwordHash);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken) > 0;
}
