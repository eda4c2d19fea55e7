namespace Outpost.Engine.Accounts;

/// <summary>
/// Where the login throttle (<see cref="AuthThrottle"/>) counts failed logins: in memory on one node
/// (<see cref="MemoryLoginFailures"/>, SQLite mode), in the database when several nodes share one
/// (PostgreSQL), so an attacker spreading tries over the nodes behind a load balancer gains nothing. Keys are
/// the throttle's (a client address, a client network); the window and the limits are the throttle's too.
/// </summary>
public interface ILoginFailureStore
{
    /// <summary>Records one failure at <paramref name="at"/> under each key; returns each key's failures since <paramref name="since"/>, this one included.</summary>
    Task<IReadOnlyList<int>> AddAsync(IReadOnlyList<string> keys, DateTimeOffset at, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Each key's failures since <paramref name="since"/>.</summary>
    Task<IReadOnlyList<int>> CountAsync(IReadOnlyList<string> keys, DateTimeOffset since, CancellationToken cancellationToken = default);
}
