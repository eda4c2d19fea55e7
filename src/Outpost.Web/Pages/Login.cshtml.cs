using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Accounts;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// Login with a mailbox address and password. A wrong one says "Authentication failed", whatever was
/// wrong; failures count towards the same per-address throttle as SMTP AUTH and the API, and answer
/// more slowly as they add up.
/// </summary>
public sealed class LoginModel(AccountService accounts, AuthThrottle throttle) : PageModel
{
    /// <summary>The longest a failed login is held before its answer, so a page never seems to hang.</summary>
    static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(3);

    [BindProperty] public string Address { get; set; } = "";
    [BindProperty] public string Password { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(Next()) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var client = HttpContext.Connection.RemoteIpAddress ?? System.Net.IPAddress.Loopback;
        if (await throttle.IsBlockedAsync(client, HttpContext.RequestAborted))
        {
            Error = "Too many failed logins; try again later";
            return Page();
        }
        var mailbox = await accounts.LoginAsync(Address.Trim(), Password, HttpContext.RequestAborted);
        if (mailbox is null)
        {
            var (delay, _) = await throttle.RecordFailureAsync(client, HttpContext.RequestAborted);
            await Task.Delay(delay < MaxDelay ? delay : MaxDelay, HttpContext.RequestAborted);
            Error = "Authentication failed";
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AdminRoles.Principal(mailbox));
        return LocalRedirect(Next());
    }

    string Next() => ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/log";
}
