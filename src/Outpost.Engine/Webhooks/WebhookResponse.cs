namespace Outpost.Engine.Webhooks;

/// <summary>
/// What one POST came to: the HTTP status (null when no answer came: refused, timed out, a TLS error),
/// a short error for anything but a 2xx (one line, at most 200 characters), and how long it took.
/// </summary>
public sealed record WebhookResponse(int? StatusCode, string? Error, TimeSpan Duration)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>410 Gone: the receiver says the endpoint no longer exists.</summary>
    public bool Gone => StatusCode == 410;

    /// <summary>"200", "500: upstream down", "no answer: connection refused".</summary>
    public string Summary => StatusCode is { } code
        ? Error is null ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{code.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {Error}"
        : $"no answer: {Error}";
}
