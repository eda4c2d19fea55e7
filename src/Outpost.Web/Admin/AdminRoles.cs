using System.Security.Claims;
using Outpost.Engine.Accounts;

namespace Outpost.Web.Admin;

/// <summary>
/// The three roles of the admin pages, as claims: an operator sees everything, a domain admin its
/// domain, a user its own mail. A signed-in person acts as the same <see cref="ApiCaller"/> the HTTP API
/// would make of them, so pages and API apply one set of rules.
/// </summary>
public static class AdminRoles
{
    public const string Operator = "operator";
    public const string DomainAdmin = "admin";
    public const string User = "user";
    public const string DomainClaim = "outpost:domain";

    public static string For(MailboxRole role) => role switch
    {
        MailboxRole.Operator => Operator,
        MailboxRole.Admin => DomainAdmin,
        _ => User,
    };

    public static ClaimsPrincipal Principal(Mailbox mailbox) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, mailbox.Address),
            new Claim(ClaimTypes.Role, For(mailbox.Role)),
            new Claim(DomainClaim, mailbox.Domain),
            new Claim(SessionStamp.Claim, SessionStamp.Of(mailbox)),
        ], Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme));

    public static ApiCaller Caller(this ClaimsPrincipal user)
    {
        var address = user.Identity?.Name ?? throw new InvalidOperationException("Not signed in.");
        var domain = user.FindFirstValue(DomainClaim) ?? address[(address.IndexOf('@') + 1)..];
        return new ApiCaller(address, domain, DomainWide: user.IsInRole(DomainAdmin), Operator: user.IsInRole(Operator));
    }

    /// <summary>A domain admin or an operator: may check records, rotate keys, see a domain's mail.</summary>
    public static bool Manages(this ClaimsPrincipal user) => user.IsInRole(Operator) || user.IsInRole(DomainAdmin);
}
