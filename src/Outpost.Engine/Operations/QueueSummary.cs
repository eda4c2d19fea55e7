namespace Outpost.Engine.Operations;

/// <summary>
/// What waits, qshape-style: waiting recipients (queued, deferred, delivering, held) per destination
/// domain, sender domain or channel, counted in <see cref="AgeBuckets"/>; the total line first, then the
/// largest <see cref="Rows"/>; <see cref="OtherKeys"/> more keys were left out (their recipients are in the total).
/// </summary>
public sealed record QueueSummary(SummaryGrouping By, IReadOnlyList<string> Buckets, SummaryRow Total, IReadOnlyList<SummaryRow> Rows, int OtherKeys)
{
    /// <summary>The grouping a word names (domain, sender, channel; blank is domain), or null and the sentence.</summary>
    public static SummaryGrouping? ParseGrouping(string? text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
            return SummaryGrouping.Domain;
        foreach (var grouping in Enum.GetValues<SummaryGrouping>())
            if (string.Equals(grouping.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
                return grouping;
        error = $"'{text}' is not a grouping; use domain, sender or channel.";
        return null;
    }
}
