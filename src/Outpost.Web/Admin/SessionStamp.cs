using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Engine.Accounts;

namespace Outpost.Web.Admin;

/// <summary>
/// Ties an admin session to the password it was opened with. The cookie carries a stamp derived from the
/// stored password hash (itself salted, so a new password, even the same one again, gives a new stamp); each
/// request compares it with the mailbox as it is now, so a password change (or a removed mailbox, or another
/// role) ends every session opened before it, on every browser. No migration: the hash is the stamp's source.
/// </summary>
public static class SessionStamp
{
    public const string Claim = "outpost:stamp";

    /// <summary>Sixteen bytes of SHA-256 over the stored hash: it reveals nothing of the hash and cannot be turned back.</summary>
    public static string Of(Mailbox mailbox) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(mailbox.PasswordHash)), 0, 16);

    /// <summary>The cookie handler's check of every request's session.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var address = principal?.Identity?.Name;
        var stamp = principal?.FindFirstValue(Claim);
        var accounts = context.HttpContext.RequestServices.GetRequiredService<IAccountStore>();
        var mailbox = address is null ? null : await accounts.GetMailboxAsync(address, context.HttpContext.RequestAborted);
        if (mailbox is not null && stamp is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stamp), Encoding.ASCII.GetBytes(Of(mailbox)))
            && principal!.IsInRole(AdminRoles.For(mailbox.Role)))
            return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
