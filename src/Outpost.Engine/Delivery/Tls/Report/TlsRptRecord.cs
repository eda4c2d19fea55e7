using MimeKit;

namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// Reads a domain's <c>_smtp._tls</c> TXT record (RFC 8460 §3): <c>v=TLSRPTv1; rua=mailto:…[,…]</c>. Only
/// mailto addresses are used (reports are sent by mail through Outpost's own queue); https ones are ignored.
/// Strict: anything but exactly one TLSRPTv1 record, or one without a usable mailto, gives no address and a
/// sentence saying why.
/// </summary>
public static class TlsRptRecord
{
    /// <summary>Addresses a report goes to at most; a record may name more, the rest are not mailed.</summary>
    public const int MaxAddresses = 5;

    /// <summary>The mailto addresses of the one TLSRPTv1 record among <paramref name="records"/>, or why there are none.</summary>
    public static (IReadOnlyList<string> Addresses, string? Error) Addresses(IReadOnlyList<string> records)
    {
        var rpt = records.Where(r => r.StartsWith("v=TLSRPTv1", StringComparison.Ordinal)).ToList();
        if (rpt.Count == 0)
            return ([], "no TLS-RPT record");
        if (rpt.Count > 1)
            return ([], "more than one TLS-RPT record");
        var fields = rpt[0].Split(';').Select(f => f.Trim(' ', '\t')).ToList();
        if (fields[0] != "v=TLSRPTv1")
            return ([], "the TLS-RPT record does not start with v=TLSRPTv1");
        var rua = fields.Skip(1).Where(f => f.StartsWith("rua=", StringComparison.Ordinal)).ToList();
        if (rua.Count != 1)
            return ([], rua.Count == 0 ? "the TLS-RPT record has no rua" : "the TLS-RPT record has more than one rua");
        var addresses = new List<string>();
        foreach (var uri in rua[0][4..].Split(',').Select(u => u.Trim(' ', '\t')))
        {
            if (!uri.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
                continue; // https: reports are not sent (docs/TLS.md)
            string address;
            try
            {
                address = Uri.UnescapeDataString(uri[7..]);
            }
            catch (UriFormatException)
            {
                continue;
            }
            if (address.Length is 0 or > 254 || address.Any(c => c <= ' ' || c is '<' or '>' or ',' or '?') || address.Count(c => c == '@') != 1
                || !MailboxAddress.TryParse(address, out _) || address.IndexOf('@') is <= 0 || address.EndsWith('@'))
                continue;
            if (!addresses.Contains(address, StringComparer.OrdinalIgnoreCase))
                addresses.Add(address);
            if (addresses.Count == MaxAddresses)
                break;
        }
        return addresses.Count == 0 ? ([], "the TLS-RPT record names no mailto address") : (addresses, null);
    }
}
