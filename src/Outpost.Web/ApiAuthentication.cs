using System.Text;
using Microsoft.AspNetCore.Http;
using Outpost.Engine.Accounts;

namespace Outpost.Web;

/// <summary>
/// Who is calling: HTTP Basic with a mailbox address and password (A1), or "Bearer op_…" with an API
/// key. Any failure is the same 401 "Authentication failed"; failures count towards the same per-address
/// and per-network throttle as SMTP. An API key is checked before the throttle: its 32 random bytes cannot
/// be guessed, so a valid key works even from an address (or behind a proxy) that others used up; a blocked
/// client's password is not even tried, so guessing stays cut off.
/// </summary>
public sealed class ApiAuthentication(AccountService accounts, ApiKeys keys, AuthThrottle throttle)
{
    public async Task<ApiCaller?> AuthenticateAsync(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        // Behind a known proxy this is the forwarded client's address (ForwardedHeaders, Http:KnownProxies).
        var client = http.Connection.RemoteIpAddress ?? System.Net.IPAddress.Loopback;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = await keys.VerifyAsync(header[7..].Trim(), http.RequestAborted);
            if (key is null)
                return await FailedAsync(client, http.RequestAborted);
            return key.Scope == "domain"
                ? new ApiCaller(null, key.Subject, DomainWide: true, KeyId: key.Id)
                : new ApiCaller(key.Subject, key.Subject[(key.Subject.IndexOf('@') + 1)..], DomainWide: false, KeyId: key.Id);
        }
        if (await throttle.IsBlockedAsync(client, http.RequestAborted))
            return null;
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            }
            catch (FormatException)
            {
                return await FailedAsync(client, http.RequestAborted);
            }
            var colon = decoded.IndexOf(':');
            var mailbox = await accounts.LoginAsync(colon > 0 ? decoded[..colon] : "", colon > 0 ? decoded[(colon + 1)..] : "", http.RequestAborted);
            if (mailbox is null)
                return await FailedAsync(client, http.RequestAborted);
            return new ApiCaller(mailbox.Address, mailbox.Domain, DomainWide: mailbox.Role == MailboxRole.Admin, Operator: mailbox.Role == MailboxRole.Operator);
        }
        return null;
    }

    async Task<ApiCaller?> FailedAsync(System.Net.IPAddress client, CancellationToken cancellationToken)
    {
        await throttle.RecordFailureAsync(client, cancellationToken);
        return null;
    }
}
