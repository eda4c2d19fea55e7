using Outpost.Engine.Signing;
using Outpost.Smtp;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Adds and changes domains and mailboxes with the checks a person needs: valid names, a domain
/// before its mailboxes, a strong enough password. Each refusal is one plain sentence. A new domain
/// gets its DKIM keys at once.
/// </summary>
public sealed class AccountService(IAccountStore store, DkimKeyManager dkim, TimeProvider time)
{
    public const int MinPasswordLength = 8;

    public async Task<HostedDomain> AddDomainAsync(string name, Plan plan, CancellationToken cancellationToken = default)
    {
        var ascii = AddressParser.NormalizeDomain(name.Trim())
            ?? throw new AccountException($"'{name}' is not a valid domain name.");
        if (await store.GetDomainAsync(ascii, cancellationToken) is not null)
            throw new AccountException($"The domain {ascii} is already hosted here.");
        var domain = new HostedDomain(ascii, plan, time.GetUtcNow());
        await store.AddDomainAsync(domain, cancellationToken);
        // Its DKIM keys exist from the start, so the records to publish can be shown at once.
        await dkim.CreateInitialKeysAsync(ascii, cancellationToken);
        return domain;
    }

    /// <summary>
    /// The mailbox that <paramref name="user"/> and <paramref name="password"/> log in to, or null — the one
    /// login check of SMTP AUTH and the API. A missing mailbox costs a hash all the same.
    /// </summary>
    public async Task<Mailbox?> LoginAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        var parsed = AddressParser.ParseAddress(user.Trim(), out _);
        var mailbox = parsed is null ? null : await store.GetMailboxAsync(parsed.Normalized, cancellationToken);
        return PasswordHashing.Verify(mailbox?.PasswordHash, password) ? mailbox : null;
    }

    public async Task<Mailbox> AddMailboxAsync(string address, string password, MailboxRole role, CancellationToken cancellationToken = default)
    {
        var parsed = ParseMailboxAddress(address);
        if (await store.GetDomainAsync(parsed.Domain, cancellationToken) is null)
            throw new AccountException($"The domain {parsed.Domain} is not hosted here; add it first with 'outpost domain add {parsed.Domain}'.");
        if (await store.GetMailboxAsync(parsed.Normalized, cancellationToken) is not null)
            throw new AccountException($"The mailbox {parsed.Normalized} already exists.");
        CheckPassword(password);
        var mailbox = new Mailbox(parsed.Normalized, parsed.Domain, PasswordHashing.Hash(password), role, time.GetUtcNow());
        await store.AddMailboxAsync(mailbox, cancellationToken);
        return mailbox;
    }

    public async Task SetPasswordAsync(string address, string password, CancellationToken cancellationToken = default)
    {
        var parsed = ParseMailboxAddress(address);
        CheckPassword(password);
        if (!await store.SetPasswordHashAsync(parsed.Normalized, PasswordHashing.Hash(password), cancellationToken))
            throw new AccountException($"The mailbox {parsed.Normalized} does not exist.");
    }

    public async Task SetPlanAsync(string domain, Plan plan, CancellationToken cancellationToken = default)
    {
        var ascii = AddressParser.NormalizeDomain(domain.Trim()) ?? throw new AccountException($"'{domain}' is not a valid domain name.");
        if (!await store.SetPlanAsync(ascii, plan, cancellationToken))
            throw new AccountException($"The domain {ascii} is not hosted here.");
    }

    /// <summary>
    /// Mailbox names are stricter than what SMTP allows (letters, digits, dot, dash, underscore, plus),
    /// because they also name a folder on disk.
    /// </summary>
    static EmailAddress ParseMailboxAddress(string address)
    {
        var parsed = AddressParser.ParseAddress(address.Trim(), out _)
            ?? throw new AccountException($"'{address}' is not a valid mailbox address.");
        if (!parsed.LocalPart.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '+'))
            throw new AccountException("A mailbox name may hold only letters, digits, '.', '-', '_' and '+'.");
        return parsed;
    }

    static void CheckPassword(string password)
    {
        if (password.Length < MinPasswordLength)
            throw new AccountException($"The password must have at least {MinPasswordLength} characters.");
    }
}
