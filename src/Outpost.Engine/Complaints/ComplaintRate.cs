namespace Outpost.Engine.Complaints;

/// <summary>
/// A sending domain's complaint rate over a window: matched complaints against external recipients
/// delivered, the way mailbox providers reckon it. <see cref="Level"/> follows their published guidance:
/// below 0.1 % is fine, from 0.1 % mail starts to suffer, at 0.3 % and above it is refused or sent to spam.
/// </summary>
public sealed record ComplaintRate(string Domain, int Complaints, int Delivered, DateTimeOffset Since, DateTimeOffset Until)
{
    public const double Warning = 0.001;
    public const double Bad = 0.003;

    /// <summary>Complaints per delivered message, or null while nothing was delivered.</summary>
    public double? Rate => Delivered > 0 ? (double)Complaints / Delivered : null;

    /// <summary>"ok", "warning", "bad", or "none" when nothing was delivered in the window.</summary>
    public string Level => Rate switch
    {
        null => "none",
        >= Bad => "bad",
        >= Warning => "warning",
        _ => "ok",
    };

    /// <summary>"0.250 % (1 of 400 delivered in 30 days): above 0.1 %, …" — the same sentence in the CLI, API and web.</summary>
    public string Sentence()
    {
        var days = (Until - Since).TotalDays.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
        if (Rate is not { } rate)
            return $"No external mail delivered in {days} days{(Complaints > 0 ? $", {Complaints} complaint(s)" : "")}; no rate yet.";
        var figure = (rate * 100).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        var head = $"{figure} % ({Complaints} of {Delivered} delivered in {days} days)";
        return Level switch
        {
            "bad" => $"{head}: at or above 0.3 %, where mailbox providers refuse mail or send it to spam.",
            "warning" => $"{head}: above 0.1 %, where mailbox providers start to send mail to spam; find out who complains and why.",
            _ => $"{head}: below 0.1 %, as mailbox providers expect.",
        };
    }
}
