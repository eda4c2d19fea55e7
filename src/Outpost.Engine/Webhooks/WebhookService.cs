using System.Globalization;
using System.Security.Cryptography;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Managing webhook endpoints, the same for the CLI, the API and the admin page: add (the secret is made
/// here, sealed for the database and returned once), list, remove, pause, resume, send a test event, read
/// the attempts. Every call takes the caller's scope: null for an operator (every endpoint, and global
/// ones may be added), or a domain (a domain admin or domain key: that domain's endpoints only; another
/// domain's id is answered as not found, so ids reveal nothing).
/// Talks to: the webhook store, accounts (the domain must be hosted), the send log (the outbox's newest
/// id), the keyring, the sender.
/// Security: secrets are shown once and stored sealed; URLs are checked (<see cref="WebhookUrl"/>) and a
/// domain's endpoint reaches only public addresses unless the operator allows private networks.
/// </summary>
public sealed class WebhookService(IWebhookStore store, IAccountStore accounts, ISendLog log, WebhookKeyring keys, IWebhookSender sender, WebhookOptions options,
    TimeProvider time)
{
    /// <summary>The one sentence for an endpoint that does not exist or is not the caller's.</summary>
    public static string NotFound(long id) => $"There is no webhook endpoint {id.ToString(CultureInfo.InvariantCulture)} of yours.";

    /// <summary>Adds an endpoint for <paramref name="domain"/> (null: every domain, operators only); returns it with its secret, which is not shown again.</summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)> AddAsync(string? scope, string? domain, string? url, string? events, string by,
        CancellationToken cancellationToken = default)
    {
        var owner = Domain(domain);
        if (scope is not null && owner != scope)
            throw new ArgumentException(owner is null
                ? "Only an operator may add a webhook endpoint for every domain; name your domain."
                : $"The domain {owner} is not yours.");
        if (owner is not null && await accounts.GetDomainAsync(owner, cancellationToken) is null)
            throw new ArgumentException($"The domain {owner} is not hosted here.");
        var uri = WebhookUrl.Parse(url);
        var wanted = WebhookEventTypes.Parse(events);
        var existing = await store.EndpointsAsync(allDomains: false, owner, cancellationToken);
        if (existing.Count >= options.MaxEndpointsPerDomain)
            throw new ArgumentException($"{owner ?? "Every domain"} has {existing.Count.ToString(CultureInfo.InvariantCulture)} webhook endpoints already, the most allowed; remove one first.");
        var secret = WebhookSecret.Generate();
        var endpoint = await store.AddEndpointAsync(new NewWebhookEndpoint(owner, uri.AbsoluteUri, wanted, keys.Seal(secret), by),
            await log.LatestEventIdAsync(cancellationToken), time.GetUtcNow(), cancellationToken);
        return (endpoint, secret);
    }

    /// <summary>The endpoints in scope, oldest first: an operator's list has every domain's and the global ones.</summary>
    public Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string? scope, CancellationToken cancellationToken = default) =>
        store.EndpointsAsync(allDomains: scope is null, scope, cancellationToken);

    public async Task<WebhookEndpoint?> FindAsync(string? scope, long id, CancellationToken cancellationToken = default) =>
        await store.EndpointAsync(id, cancellationToken) is { } endpoint && (scope is null || endpoint.Domain == scope) ? endpoint : null;

    public async Task<bool> RemoveAsync(string? scope, long id, CancellationToken cancellationToken = default) =>
        await FindAsync(scope, id, cancellationToken) is not null && await store.RemoveEndpointAsync(id, cancellationToken);

    /// <summary>Pauses an endpoint by hand: nothing is sent until it is resumed, and nothing is lost meanwhile. False when it is not in scope.</summary>
    public async Task<bool> PauseAsync(string? scope, long id, string by, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(scope, id, cancellationToken) is null)
            return false;
        await store.PauseAsync(id, $"Paused by {by}.", time.GetUtcNow(), cancellationToken);
        return true;
    }

    /// <summary>Resumes where the endpoint stopped: its pending deliveries are due now, with a fresh 24 hours. Null when it is not in scope.</summary>
    public async Task<long?> ResumeAsync(string? scope, long id, CancellationToken cancellationToken = default) =>
        await FindAsync(scope, id, cancellationToken) is null ? null : await store.ResumeAsync(id, time.GetUtcNow(), cancellationToken);

    /// <summary>Sends a signed <c>test</c> event now, records the try among the endpoint's attempts, and says how it went. Null when it is not in scope.</summary>
    public async Task<(string WebhookId, WebhookResponse Response)?> TestAsync(string? scope, long id, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(scope, id, cancellationToken) is not { } endpoint)
            return null;
        var webhookId = "test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var at = time.GetUtcNow();
        var body = WebhookPayload.Test(webhookId, endpoint.Id, at);
        var timestamp = at.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(webhookId, timestamp, body, keys.KeyOf(endpoint));
        var response = await sender.SendAsync(new WebhookRequest(new Uri(endpoint.Url), webhookId, timestamp, body, signature,
            endpoint.Domain is null || options.AllowPrivateNetworks), cancellationToken);
        await store.RecordTestAsync(endpoint.Id, body, new WebhookResult(0, endpoint.Id, at, response,
            response.Succeeded ? WebhookDeliveryStatus.Delivered : WebhookDeliveryStatus.Failed, null), cancellationToken);
        return (webhookId, response);
    }

    /// <summary>The endpoint's tries, newest first; null when it is not in scope.</summary>
    public async Task<IReadOnlyList<WebhookAttemptEntry>?> AttemptsAsync(string? scope, long id, int limit, CancellationToken cancellationToken = default) =>
        await FindAsync(scope, id, cancellationToken) is null ? null : await store.AttemptsAsync(id, Math.Clamp(limit, 1, 1000), cancellationToken);

    public Task<IReadOnlyDictionary<long, WebhookStats>> StatsAsync(CancellationToken cancellationToken = default) => store.StatsAsync(cancellationToken);

    /// <summary>A domain as endpoints keep it (lower case), null for none, or a sentence saying why it is not a domain.</summary>
    static string? Domain(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
            return null;
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (d.Length > 253 || !d.Contains('.') || d.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.')))
            throw new ArgumentException($"'{domain.Trim()}' is not a domain name.");
        return d;
    }
}
