using System.Globalization;
using System.Net;

namespace Outpost.Engine.Configuration;

/// <summary>
/// The feedback-loop mailbox: the addresses mailbox providers send complaints to (ARF reports, RFC 5965)
/// and people forward unwanted mail to. Mail to them is read as a complaint, never stored in a mailbox.
/// </summary>
public sealed class ComplaintOptions
{
    /// <summary>The feedback addresses, e.g. <c>fbl@mail.example.net</c> and <c>abuse@mail.example.net</c>; none turns complaints off.</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>
    /// An SMTP listener (address:port) that takes mail from anyone, without AUTH, for the feedback addresses
    /// only: where the MX of the feedback addresses' domain points. Empty: reports arrive only through
    /// submission and the relay listener (a user forwarding a complaint, the provider's own inbound MX).
    /// </summary>
    public string Listen { get; set; } = "";

    /// <summary>The largest report kept, in bytes: the feedback listener refuses bigger ones; bigger ones that come otherwise are kept cut to this size.</summary>
    public int MaxReportSize { get; set; } = 1024 * 1024;

    /// <summary>The window of the complaint rate: complaints received against external recipients delivered in it.</summary>
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromDays(30);

    public const int SmallestReport = 16 * 1024;
    public const int LargestReport = 25 * 1024 * 1024;
    public const int MostAddresses = 20;

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine.</summary>
    public string? Problem()
    {
        if (Addresses.Count > MostAddresses)
            return $"Complaints:Addresses has {Addresses.Count} addresses; at most {MostAddresses} are allowed.";
        foreach (var address in Addresses)
        {
            var at = address.LastIndexOf('@');
            if (at <= 0 || at == address.Length - 1 || address.Length > 254 || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"'))
                return $"Complaints:Addresses: '{address}' is not an e-mail address like fbl@mail.example.net.";
        }
        if (!string.IsNullOrWhiteSpace(Listen))
        {
            if (!IPEndPoint.TryParse(Listen, out var endpoint) || endpoint.Port == 0)
                return $"Complaints:Listen: '{Listen}' is not an address and port like 0.0.0.0:25.";
            if (Addresses.Count == 0)
                return "Complaints:Listen is set but Complaints:Addresses is empty; name the feedback addresses the listener takes mail for.";
        }
        if (MaxReportSize is < SmallestReport or > LargestReport)
            return $"Complaints:MaxReportSize is {MaxReportSize.ToString(CultureInfo.InvariantCulture)} bytes; it must be between {SmallestReport} and {LargestReport}.";
        if (RateWindow < TimeSpan.FromDays(1))
            return $"Complaints:RateWindow is {RateWindow}; it must be at least 1.00:00:00 (1 day).";
        return null;
    }
}
