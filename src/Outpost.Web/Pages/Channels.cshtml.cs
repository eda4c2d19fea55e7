using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Routing.Channels;

namespace Outpost.Web.Pages;

/// <summary>For operators: the delivery channels, their circuit breakers and last errors (M2, M3).</summary>
public sealed class ChannelsModel(IChannelStore store, TimeProvider time) : PageModel
{
    public IReadOnlyList<Channel> Channels { get; private set; } = [];
    public IReadOnlyList<ChannelHealth> Health { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync()
    {
        Now = time.GetUtcNow();
        var channels = await store.ListAsync(HttpContext.RequestAborted);
        Channels = channels.Count > 0 ? channels : [Channel.Default];
        Health = (await store.HealthAsync(HttpContext.RequestAborted)).OrderByDescending(h => h.UpdatedAt).ToList();
    }
}
