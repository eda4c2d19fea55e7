using System.Globalization;
using Outpost.Engine.Domains;
using Outpost.Engine.Queue;

namespace Outpost.Web.Admin;

/// <summary>How the pages write times, sizes and statuses: one look everywhere.</summary>
public static class Show
{
    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>The badge class of a status word: good, wait, bad or hold.</summary>
    public static string Badge(RecipientStatus status) => status switch
    {
        RecipientStatus.Delivered => "badge good",
        RecipientStatus.Bounced or RecipientStatus.Rejected or RecipientStatus.Deleted => "badge bad",
        RecipientStatus.Held => "badge hold",
        _ => "badge wait",
    };

    public static string Badge(DnsRecordStatus status) => status switch
    {
        DnsRecordStatus.Ok => "badge good",
        DnsRecordStatus.Error => "badge wait",
        _ => "badge bad",
    };
}
