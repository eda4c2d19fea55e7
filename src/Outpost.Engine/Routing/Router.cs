using Outpost.Engine.Accounts;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Routing;

/// <summary>Decides each recipient's route: a hosted domain is delivered here (M1), every other one remotely.</summary>
public sealed class Router(IAccountStore accounts)
{
    public async Task<Route> RouteAsync(string domain, CancellationToken cancellationToken = default) =>
        await accounts.GetDomainAsync(domain, cancellationToken) is null ? Route.Remote : Route.Local;
}
