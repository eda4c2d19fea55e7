using System.Text;
using Outpost.Smtp;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// <see cref="AddressParser"/>: the input (as UTF-8) is the argument of MAIL and of RCPT, and a bare
/// address. It must refuse with a reply or give an address that is safe to route on: one @, a local part
/// with no routing or control characters, a lower-case ASCII domain, and the same address again when its
/// own text is parsed.
/// </summary>
internal sealed class AddressTarget : IFuzzTarget
{
    public string Name => "address";

    public void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        foreach (var (keyword, allowNull) in new[] { ("FROM", true), ("TO", false) })
        {
            var result = AddressParser.ParseCommandArgument(text, keyword, allowNull);
            if (result.Path is { } path)
            {
                if (path.Address.IsNull)
                {
                    if (!allowNull)
                        throw new FuzzFinding("a null path was taken where none is allowed");
                    continue;
                }
                Check(path.Address);
                foreach (var (name, _) in path.Parameters)
                    if (name.Length == 0 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
                        throw new FuzzFinding($"a parameter name that is not an esmtp-keyword was taken: {name}");
            }
            else if (result.Error.Code is < 500 or > 599 || result.Error.Text.Length == 0)
            {
                throw new FuzzFinding("a refusal without a 5xx reply and a sentence");
            }
        }
        if (AddressParser.ParseAddress(text, out var error) is { } address)
            Check(address);
        else if (error.Code is < 500 or > 599)
            throw new FuzzFinding("a refusal without a 5xx reply");
        _ = AddressParser.NormalizeDomain(text);
    }

    static void Check(EmailAddress address)
    {
        if (address.LocalPart.Length == 0 || address.LocalPart.IndexOfAny(['@', '%', '!', '"', '<', '>', ' ', '\r', '\n', '\0']) >= 0
            || address.LocalPart.Any(char.IsControl))
            throw new FuzzFinding($"an unsafe local part was taken: {address.LocalPart}");
        if (address.Domain.Length == 0 || address.Domain.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
            throw new FuzzFinding($"a domain that is not lower-case ASCII was taken: {address.Domain}");
        if (AddressParser.ParseAddress(address.ToString(), out _) != address)
            throw new FuzzFinding($"the address {address} does not parse back to itself");
    }
}
