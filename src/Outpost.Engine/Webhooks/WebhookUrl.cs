namespace Outpost.Engine.Webhooks;

/// <summary>
/// The URL an endpoint is given, checked once when it is added: http or https, a host, no user name or
/// password in it (the signature says who is calling), no fragment, at most 2,000 characters. Where
/// the host may point (no private network for a domain's endpoint) is checked at each connection,
/// because a name can resolve elsewhere later.
/// </summary>
public static class WebhookUrl
{
    public const int MaxLength = 2000;

    public static Uri Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new ArgumentException("Give the URL that is to receive the webhooks, e.g. https://hooks.example.com/outpost.");
        if (trimmed.Length > MaxLength)
            throw new ArgumentException($"The URL is longer than {MaxLength} characters.");
        if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw new ArgumentException("The URL may not contain spaces or control characters.");
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri))
            throw new ArgumentException($"'{Shorten(trimmed)}' is not a URL; give one like https://hooks.example.com/outpost.");
        if (uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"A webhook URL must start with https:// or http://, not {uri.Scheme}:.");
        if (uri.UserInfo.Length > 0)
            throw new ArgumentException("A webhook URL may not carry a user name or password; receivers check the signature instead.");
        if (uri.Fragment.Length > 0)
            throw new ArgumentException("A webhook URL may not have a #fragment; it is never sent to the server.");
        if (uri.Host.Length == 0)
            throw new ArgumentException("A webhook URL needs a host name or address.");
        return uri;
    }

    static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
