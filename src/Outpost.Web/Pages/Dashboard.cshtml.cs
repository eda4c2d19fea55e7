using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Web.Admin;
using Outpost.Web.Admin.Charts;

namespace Outpost.Web.Pages;

/// <summary>
/// The dashboard: recipients per hour by outcome, delivery latency, the top deferral and bounce replies,
/// acceptance per channel and per destination, the queue's depth over time and the refusals by class,
/// for the last 24 hours or 7 days. Everything is in the reader's scope (<c>ApiCaller.LogScope</c>: an
/// operator everything, a domain admin their domain, a user their own mail); charts are SVG drawn here.
/// </summary>
public sealed class DashboardModel(IDashboardStore store, TimeProvider time) : PageModel
{
    /// <summary>The outcomes stacked in the hourly chart, each with its colour's class.</summary>
    static readonly (string Name, string[] Types, string Css)[] Outcomes =
    [
        ("delivered", [LifecycleEvents.Delivered], "s-delivered"),
        ("deferred", [LifecycleEvents.Deferred], "s-deferred"),
        ("bounced", [LifecycleEvents.Bounced, LifecycleEvents.Expired], "s-bounced"),
        ("rejected", [LifecycleEvents.Rejected, LifecycleEvents.Suppressed], "s-rejected"),
        ("held", [LifecycleEvents.Held], "s-held"),
    ];

    [BindProperty(SupportsGet = true)] public string? Range { get; set; }

    public string? Error { get; private set; }
    public bool Week { get; private set; }
    public string? Scope { get; private set; }
    public int Accepted { get; private set; }
    public LatencyPercentiles? Latency { get; private set; }
    public Microsoft.AspNetCore.Html.IHtmlContent Hourly { get; private set; } = null!;
    public Microsoft.AspNetCore.Html.IHtmlContent Depth { get; private set; } = null!;
    public Microsoft.AspNetCore.Html.IHtmlContent Deferrals { get; private set; } = null!;
    public Microsoft.AspNetCore.Html.IHtmlContent Bounces { get; private set; } = null!;
    public Microsoft.AspNetCore.Html.IHtmlContent Channels { get; private set; } = null!;
    public Microsoft.AspNetCore.Html.IHtmlContent Destinations { get; private set; } = null!;
    public Microsoft.AspNetCore.Html.IHtmlContent Refusals { get; private set; } = null!;
    public int QueuedNow { get; private set; }

    public async Task OnGetAsync()
    {
        if (!string.IsNullOrEmpty(Range) && Range is not ("24h" or "7d"))
            Error = "The range must be 24h or 7d.";
        Week = Range == "7d";
        Scope = User.Caller().LogScope;
        var now = time.GetUtcNow();
        var since = Dashboard.HourOf(now).AddHours(Week ? -167 : -23);
        var counts = await store.CountsAsync(new DashboardQuery(since, now.AddMilliseconds(1), Scope), HttpContext.RequestAborted);

        var hours = Enumerable.Range(0, Week ? 168 : 24).Select(i => since.AddHours(i)).ToList();
        var byHour = counts.Hourly.ToLookup(h => (h.Hour, h.Type), h => h.Count);
        string Label(DateTimeOffset hour) => hour.ToString(Week ? "ddd HH:00" : "HH:00", CultureInfo.InvariantCulture);
        var labels = hours.Select(Label).ToList();
        var series = Outcomes.Select(o => new ChartSeries(o.Name, o.Css,
            hours.Select(h => (double)o.Types.Sum(t => byHour[(h, t)].Sum())).ToList())).ToList();
        Hourly = StackedBarChart.Render("Recipients per hour by outcome", labels, series, Week ? 24 : 3);
        Accepted = counts.Hourly.Where(h => h.Type is LifecycleEvents.Queued or LifecycleEvents.Held).Sum(h => h.Count);

        Latency = Dashboard.Percentiles(counts.LatenciesMs);

        var depth = Dashboard.QueueDepth(counts.Flow, counts.WaitingNow, since, now);
        QueuedNow = counts.WaitingNow;
        Depth = LineChart.Render("Recipients waiting in the queue", depth.Select(p => p == depth[^1] ? "now" : Label(p.At)).ToList(),
            depth.Select(p => (double)p.Depth).ToList(), Week ? 24 : 3);

        Deferrals = Reasons(counts.Reasons.Where(r => r.Type == LifecycleEvents.Deferred), "Top deferral replies", "bar s-deferred");
        Bounces = Reasons(counts.Reasons.Where(r => r.Type is LifecycleEvents.Bounced or LifecycleEvents.Expired), "Top bounce replies", "bar s-bounced");
        Channels = Acceptance(counts.Channels, "Acceptance per channel");
        Destinations = Acceptance(counts.Destinations, "Acceptance per destination domain");
        Refusals = BarList.Render("Refusals by class", counts.Refusals
            .Select(r => ($"{r.Stage} · {r.Code / 100}xx ({r.Code})", (double)r.Count, r.Count.ToString(CultureInfo.InvariantCulture))).ToList(), "bar s-rejected");
    }

    static Microsoft.AspNetCore.Html.IHtmlContent Reasons(IEnumerable<ReasonCount> reasons, string title, string css) =>
        BarList.Render(title, reasons
            // Replies differing only in their type (bounced or expired) are one line.
            .GroupBy(r => (r.Reply.Code, r.Reply.Enhanced))
            .Select(g => (Label: g.First().Reply.Text, Count: g.Sum(r => r.Count)))
            .OrderByDescending(r => r.Count).Take(10)
            .Select(r => (r.Label, (double)r.Count, r.Count.ToString(CultureInfo.InvariantCulture))).ToList(), css);

    static Microsoft.AspNetCore.Html.IHtmlContent Acceptance(IReadOnlyList<OutcomeCount> rows, string title) =>
        BarList.Render(title, rows.Select(r => (r.Key, r.Acceptance * 100,
            $"{(r.Acceptance * 100).ToString("0.#", CultureInfo.InvariantCulture)}% of {r.Total} ({r.Delivered} delivered, {r.Deferred} deferred, {r.Bounced} bounced)")).ToList(), "bar s-delivered");
}
