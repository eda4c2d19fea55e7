using System.Globalization;

namespace Outpost.Engine.Configuration;

/// <summary>The HTTP API's settings (the listener itself is <see cref="HttpOptions"/>).</summary>
public sealed class ApiOptions
{
    /// <summary>
    /// How long an <c>Idempotency-Key</c> holds: within this time the same key from the same caller gets the
    /// first answer again and never queues a second message; after it the key is forgotten (and purged).
    /// </summary>
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Clients retry with backoff for minutes to hours; a shorter window would let a late retry send twice.</summary>
    public static readonly TimeSpan ShortestIdempotencyWindow = TimeSpan.FromHours(1);

    /// <summary>Every stored answer is a row; a month is far beyond any client's retries.</summary>
    public static readonly TimeSpan LongestIdempotencyWindow = TimeSpan.FromDays(30);

    /// <summary>Requests to /api/v1 per client address and minute; past it 429 with Retry-After. 0 turns the limit off.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine.</summary>
    public string? Problem() =>
        IdempotencyWindow < ShortestIdempotencyWindow || IdempotencyWindow > LongestIdempotencyWindow
            ? $"Api:IdempotencyWindow is {Show(IdempotencyWindow)}; it must be between {Show(ShortestIdempotencyWindow)} and {Show(LongestIdempotencyWindow)}, e.g. 1.00:00:00 for a day."
            : RequestsPerMinute < 0
                ? $"Api:RequestsPerMinute is {RequestsPerMinute}; it must be 0 (no limit) or more, e.g. 600."
                : null;

    static string Show(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
}
