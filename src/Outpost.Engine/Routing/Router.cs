using Outpost.Engine.Accounts;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Routing;

/// <summary>
/// Decides each recipient's route: a hosted domain is delivered here (M1), every other one remotely. A
/// feedback address is delivered here too, whatever its domain: local delivery hands it to the complaint reader.
/// </summary>
public sealed class Router(IAccountStore accounts, FeedbackAddresses feedback)
{
    public async Task<Route> RouteAsync(string address, string domain, CancellationToken cancellationToken = default) =>
        feedback.Contains(address) || await accounts.GetDomainAsync(domain, cancellationToken) is not null ? Route.Local : Route.Remote;
}
