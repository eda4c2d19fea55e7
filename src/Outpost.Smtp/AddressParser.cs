using System.Globalization;

namespace Outpost.Smtp;

/// <summary>
/// Parses the path of MAIL FROM / RCPT TO strictly (RFC 5321 §4.1.2), refusing every form that has
/// been used to trick a relay into forwarding: source routes (<c>@a:b@c</c>), percent and bang hacks
/// (<c>user%evil@host</c>, <c>evil!user@host</c>), quoted local parts (<c>"x@evil"@host</c>), a second
/// <c>@</c>, address literals, and over-long parts. Security stance: anything not plainly
/// <c>local@domain</c> is refused, never guessed at.
/// </summary>
public static class AddressParser
{
    public const int MaxLocalPart = 64;
    public const int MaxDomain = 255;
    public const int MaxPath = 256;

    static readonly SmtpReply SyntaxError = new(501, "5.1.3", "Bad address syntax; use <local@domain>");

    /// <summary>Parses <c>FROM:&lt;addr&gt; PARAMS</c> or <c>TO:&lt;addr&gt; PARAMS</c>.</summary>
    public static AddressParseResult ParseCommandArgument(string argument, string keyword, bool allowNull)
    {
        if (!argument.StartsWith(keyword, StringComparison.OrdinalIgnoreCase) || argument.Length <= keyword.Length || argument[keyword.Length] != ':')
            return AddressParseResult.Fail(new SmtpReply(501, "5.5.4", $"Syntax: {keyword}:<address>"));
        var rest = argument[(keyword.Length + 1)..].TrimStart(' ');
        if (!rest.StartsWith('<'))
            return AddressParseResult.Fail(SyntaxError);
        var close = rest.IndexOf('>');
        if (close < 0)
            return AddressParseResult.Fail(SyntaxError);
        var inner = rest[1..close];
        if (inner.Length + 2 > MaxPath)
            return AddressParseResult.Fail(new SmtpReply(501, "5.1.3", "Address too long"));

        var parameters = ParseParameters(rest[(close + 1)..], out var paramError);
        if (parameters is null)
            return AddressParseResult.Fail(paramError);

        if (inner.Length == 0)
        {
            return allowNull
                ? new AddressParseResult(new MailPath(EmailAddress.Null, parameters), default)
                : AddressParseResult.Fail(SyntaxError);
        }

        var address = ParseAddress(inner, out var error);
        return address is null ? AddressParseResult.Fail(error) : new AddressParseResult(new MailPath(address, parameters), default);
    }

    /// <summary>Parses a bare <c>local@domain</c>; used by the command line and the API as well.</summary>
    public static EmailAddress? ParseAddress(string text, out SmtpReply error)
    {
        error = SyntaxError;
        if (text.Length == 0 || text.Length > MaxPath - 2)
            return null;
        if (text[0] == '@')
        {
            error = new SmtpReply(501, "5.1.3", "Source routes are not accepted");
            return null;
        }
        if (text[0] == '"')
        {
            error = new SmtpReply(501, "5.1.3", "Quoted local parts are not accepted");
            return null;
        }
        var at = text.IndexOf('@');
        if (at <= 0 || at != text.LastIndexOf('@'))
        {
            error = new SmtpReply(501, "5.1.3", "An address must have exactly one @");
            return null;
        }
        var local = text[..at];
        var domain = text[(at + 1)..];
        if (!IsDotString(local))
        {
            error = local.IndexOfAny(['%', '!']) >= 0
                ? new SmtpReply(501, "5.1.3", "Percent and bang routing are not accepted")
                : SyntaxError;
            return null;
        }
        if (System.Text.Encoding.UTF8.GetByteCount(local) > MaxLocalPart)
        {
            error = new SmtpReply(501, "5.1.3", "Local part longer than 64 octets");
            return null;
        }
        var ascii = NormalizeDomain(domain);
        if (ascii is null)
        {
            error = domain.StartsWith('[')
                ? new SmtpReply(501, "5.1.3", "Address literals are not accepted")
                : new SmtpReply(501, "5.1.3", "Bad domain in address");
            return null;
        }
        // The limits hold for the address as it goes on the wire: an IDN's A-labels can be far longer than its text.
        if (System.Text.Encoding.UTF8.GetByteCount(local) + 1 + ascii.Length > MaxPath - 2)
        {
            error = new SmtpReply(501, "5.1.3", "Address too long");
            return null;
        }
        return new EmailAddress(local, ascii);
    }

    /// <summary>Lower-case ASCII form of a domain (A-labels for IDNs), or null when it is not a valid host name.</summary>
    public static string? NormalizeDomain(string domain)
    {
        if (domain.Length == 0 || domain.Length > MaxDomain || domain.EndsWith('.'))
            return null;
        string ascii;
        try
        {
            ascii = domain.Any(c => c > 127) ? new IdnMapping().GetAscii(domain) : domain;
        }
        catch (ArgumentException)
        {
            return null;
        }
        ascii = ascii.ToLowerInvariant();
        if (ascii.Length > MaxDomain)
            return null;
        var labels = ascii.Split('.');
        if (labels.Length < 2)
            return null;
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
                return null;
            foreach (var c in label)
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
                    return null;
        }
        return ascii;
    }

    // atext (RFC 5322) without % and !, which have only ever served routing tricks; UTF-8 allowed (RFC 6531).
    static bool IsAtext(char c) =>
        char.IsAsciiLetterOrDigit(c) || c > 127 && !char.IsControl(c) && !char.IsWhiteSpace(c) ||
        "#$&'*+-/=?^_`{|}~".Contains(c);

    static bool IsDotString(string s)
    {
        if (s.Length == 0 || s[0] == '.' || s[^1] == '.' || s.Contains("..", StringComparison.Ordinal))
            return false;
        foreach (var c in s)
            if (c != '.' && !IsAtext(c))
                return false;
        return true;
    }

    static Dictionary<string, string?>? ParseParameters(string text, out SmtpReply error)
    {
        error = default;
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = (eq < 0 ? part : part[..eq]).ToUpperInvariant();
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || result.ContainsKey(name))
            {
                error = SmtpReplies.SyntaxParams;
                return null;
            }
            result[name] = eq < 0 ? null : part[(eq + 1)..];
        }
        return result;
    }
}
