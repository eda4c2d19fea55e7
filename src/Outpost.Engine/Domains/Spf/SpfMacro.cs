using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Engine.Domains.Spf;

/// <summary>Macro expansion of domain-specs (RFC 7208 §7): %{s l o d i v h} with digit and "r" transformers and delimiters.</summary>
public static class SpfMacro
{
    public static string? Expand(string spec, IPAddress ip, string domain, string sender, string helo)
    {
        if (!spec.Contains('%'))
            return spec;
        var sb = new StringBuilder();
        for (var i = 0; i < spec.Length; i++)
        {
            if (spec[i] != '%')
            {
                sb.Append(spec[i]);
                continue;
            }
            if (++i >= spec.Length)
                return null;
            switch (spec[i])
            {
                case '%': sb.Append('%'); continue;
                case '_': sb.Append(' '); continue;
                case '-': sb.Append("%20"); continue;
                case '{': break;
                default: return null;
            }
            var close = spec.IndexOf('}', i);
            if (close < 0)
                return null;
            var body = spec[(i + 1)..close];
            i = close;
            if (body.Length == 0)
                return null;
            var value = Letter(char.ToLowerInvariant(body[0]), ip, domain, sender, helo);
            if (value is null)
                return null;
            var rest = body[1..];
            var digits = new string(rest.TakeWhile(char.IsAsciiDigit).ToArray());
            rest = rest[digits.Length..];
            var reverse = rest.StartsWith('r') || rest.StartsWith('R');
            if (reverse)
                rest = rest[1..];
            var delimiters = rest.Length == 0 ? ['.'] : rest.ToCharArray();
            if (delimiters.Any(c => ".-+,/_=".IndexOf(c) < 0))
                return null;
            var labels = value.Split(delimiters).ToList();
            if (reverse)
                labels.Reverse();
            if (digits.Length > 0)
            {
                // More labels than an int holds keeps them all (RFC 7208 §7.3 asks for at least 128); int.Parse threw here.
                if (!int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var keep))
                    keep = int.MaxValue;
                if (keep == 0)
                    return null;
                labels = labels.Skip(Math.Max(0, labels.Count - keep)).ToList();
            }
            sb.Append(string.Join('.', labels));
        }
        return sb.ToString();
    }

    static string? Letter(char letter, IPAddress ip, string domain, string sender, string helo)
    {
        var at = sender.IndexOf('@');
        return letter switch
        {
            's' => sender,
            'l' => at > 0 ? sender[..at] : "postmaster",
            'o' => at >= 0 ? sender[(at + 1)..] : sender,
            'd' => domain,
            'i' => ip.AddressFamily == AddressFamily.InterNetwork
                ? ip.ToString()
                : string.Join('.', Convert.ToHexString(ip.GetAddressBytes()).ToLowerInvariant().ToCharArray()),
            'v' => ip.AddressFamily == AddressFamily.InterNetwork ? "in-addr" : "ip6",
            'h' => helo,
            'p' => "unknown",
            _ => null,
        };
    }
}
