namespace Outpost.Engine.Configuration;

/// <summary>Who may read <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// When set, <c>/metrics</c> answers only requests with <c>Authorization: Bearer</c> and this token (the
    /// scraper's <c>authorization: credentials</c>); empty (the default) leaves it open, as on a loopback listener.
    /// Configuration, not a stored secret, but never logged or shown in a configuration error.
    /// </summary>
    public string Token { get; set; } = "";

    public const int MinTokenLength = 16;
    public const int MaxTokenLength = 256;

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine. The token itself is never shown.</summary>
    public string? Problem() =>
        Token.Length == 0 ? null
        : Token.Length < MinTokenLength || Token.Length > MaxTokenLength
            ? $"Metrics:Token has {Token.Length} characters; it must have between {MinTokenLength} and {MaxTokenLength} (e.g. openssl rand -hex 32)."
            : !Token.All(c => c is > ' ' and < (char)127)
                ? "Metrics:Token has a space or a character outside printable ASCII; use letters, digits and punctuation only (e.g. openssl rand -hex 32)."
                : null;
}
