using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages.Log;

/// <summary>
/// The send log, one line per recipient, newest first, filtered by sender, recipient, status and day,
/// and the refusals at submission. Everyone sees only their own scope: a user their own mail, a domain
/// admin their domain's, an operator everything.
/// </summary>
public sealed class LogModel(ISendLog log) : PageModel
{
    const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(Name = "status", SupportsGet = true)] public string? StatusText { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? Since { get; set; }
    [BindProperty(SupportsGet = true)] public long? Before { get; set; }

    public RecipientStatus? Status { get; private set; }
    public string? Error { get; private set; }
    public IReadOnlyList<LogEntry> Entries { get; private set; } = [];
    public IReadOnlyList<Refusal> Refusals { get; private set; } = [];
    public string? OlderCursor { get; private set; }

    public string OlderLink => "/log" + QueryString.Create(new Dictionary<string, string?>
    {
        ["from"] = From, ["to"] = To, ["status"] = StatusText, ["since"] = Since?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["before"] = OlderCursor,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();

    public async Task OnGetAsync()
    {
        var caller = User.Caller();
        if (!string.IsNullOrWhiteSpace(StatusText))
        {
            try
            {
                Status = RecipientStatusNames.Parse(StatusText);
            }
            catch (ArgumentException ex)
            {
                Error = ex.Message;
            }
        }
        // A user's own scope always applies; a manager may narrow it by sender within that scope.
        var scope = caller.LogScope;
        var from = string.IsNullOrWhiteSpace(From) || !User.Manages() ? scope : From.Trim().ToLowerInvariant();
        if (scope is not null && from != scope && !from!.EndsWith("@" + scope, StringComparison.Ordinal))
        {
            Error = $"You can search only the mail of {scope}.";
            from = scope;
        }
        var since = Since is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var before = Before is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        Entries = await log.QueryAsync(new LogQuery(from, string.IsNullOrWhiteSpace(To) ? null : To.Trim(), Status, since, PageSize, before), HttpContext.RequestAborted);
        OlderCursor = Entries.Count == PageSize ? Entries[^1].ReceivedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : null;
        Refusals = await log.RefusalsAsync(since, 20, scope, HttpContext.RequestAborted);
    }
}
