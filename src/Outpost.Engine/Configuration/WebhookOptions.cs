using System.Globalization;

namespace Outpost.Engine.Configuration;

/// <summary>
/// How webhooks are delivered: timeouts, concurrency, the retry schedule (exponential with jitter, for
/// <see cref="RetryFor"/>), when a failing endpoint is paused, and whether domain endpoints may reach
/// private networks.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>How often the dispatcher looks for new events and due retries (it also looks at once after each answer).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One POST, from connecting to the last byte of the answer read.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>POSTs in flight to one endpoint at once (each for a different message: one message's events go in order).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>The wait after the first failed try; it doubles after each further failure, up to <see cref="RetryLongest"/>.</summary>
    public TimeSpan RetryFirst { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two tries.</summary>
    public TimeSpan RetryLongest { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Each wait moves by up to this fraction either way, so deliveries that failed together do not retry together.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>A delivery is tried for this long after its first try, then given up (marked failed, visible in the attempts).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An endpoint whose every try has failed for this long (and at least <see cref="PauseAfterFailures"/> times) is paused.</summary>
    public TimeSpan PauseAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The fewest consecutive failures that pause an endpoint (with <see cref="PauseAfter"/>).</summary>
    public int PauseAfterFailures { get; set; } = 10;

    /// <summary>
    /// Whether a domain's endpoints may point at loopback, private, link-local or other non-public
    /// addresses. Off by default: a customer's URL must not reach the provider's own network. Operators'
    /// endpoints may always.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Endpoints one domain may have (and operators, for every domain, together).</summary>
    public int MaxEndpointsPerDomain { get; set; } = 10;

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine.</summary>
    public string? Problem()
    {
        if (PollInterval <= TimeSpan.Zero)
            return $"Webhooks:PollInterval is {Show(PollInterval)}; it must be longer than 0, e.g. 00:00:01.";
        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > TimeSpan.FromMinutes(2))
            return $"Webhooks:Timeout is {Show(Timeout)}; it must be between 00:00:01 and 00:02:00.";
        if (Concurrency is < 1 or > 64)
            return $"Webhooks:Concurrency is {Concurrency.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and 64.";
        if (RetryFirst <= TimeSpan.Zero || RetryLongest < RetryFirst)
            return $"Webhooks:RetryFirst ({Show(RetryFirst)}) must be longer than 0 and no longer than Webhooks:RetryLongest ({Show(RetryLongest)}).";
        if (RetryJitter is < 0 or > 0.5)
            return $"Webhooks:RetryJitter is {RetryJitter.ToString(CultureInfo.InvariantCulture)}; it must be between 0 and 0.5.";
        if (RetryFor < RetryFirst)
            return $"Webhooks:RetryFor is {Show(RetryFor)}; it must be at least Webhooks:RetryFirst ({Show(RetryFirst)}).";
        if (PauseAfter < TimeSpan.Zero || PauseAfterFailures < 1)
            return "Webhooks:PauseAfter must be 0 or longer and Webhooks:PauseAfterFailures at least 1.";
        if (MaxEndpointsPerDomain is < 1 or > 100)
            return $"Webhooks:MaxEndpointsPerDomain is {MaxEndpointsPerDomain.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and 100.";
        return null;
    }

    static string Show(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
}
