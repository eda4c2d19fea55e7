using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Queue;

namespace Outpost.Web.Pages;

/// <summary>For operators: the nodes sharing the queue, as <c>outpost nodes</c> lists them (gone when silent longer than the lease time).</summary>
public sealed class NodesModel(NodeList nodes, LeaseRules leases) : PageModel
{
    public IReadOnlyList<NodeState> Nodes { get; private set; } = [];

    public TimeSpan LeaseTime => leases.LeaseTime;

    public async Task OnGetAsync() => Nodes = await nodes.ListAsync(HttpContext.RequestAborted);
}
