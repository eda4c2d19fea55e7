namespace Outpost.Engine.Accounts;

/// <summary>Domains and mailboxes, as the storage back end keeps them.</summary>
public interface IAccountStore
{
    Task<HostedDomain?> GetDomainAsync(string name, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<HostedDomain>> ListDomainsAsync(CancellationToken cancellationToken = default);
    Task AddDomainAsync(HostedDomain domain, CancellationToken cancellationToken = default);
    Task<bool> SetPlanAsync(string name, Plan plan, CancellationToken cancellationToken = default);

    Task<Mailbox?> GetMailboxAsync(string address, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<Mailbox>> ListMailboxesAsync(string? domain, CancellationToken cancellationToken = default);
    Task AddMailboxAsync(Mailbox mailbox, CancellationToken cancellationToken = default);
    Task<bool> SetPasswordHashAsync(string address, string passwordHash, CancellationToken cancellationToken = default);
}
