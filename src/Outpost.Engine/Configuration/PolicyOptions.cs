namespace Outpost.Engine.Configuration;

/// <summary>The sending rules of R1: content thresholds, bulk detection, violations, rate limits. Zero turns a limit off.</summary>
public sealed class PolicyOptions
{
    /// <summary>Replace the shipped phrase lists (features of the content model) with files of the same names from this directory; retrain after changing them.</summary>
    public string? PhrasesDirectory { get; set; }

    /// <summary>
    /// Where a retrained content model is looked for (content-model.zip and .json); when none is there the
    /// model shipped inside Outpost is used. Default: &lt;data&gt;/policy.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Per refusing class (marketing, verification-code, prohibited), thresholds that replace the model's own.</summary>
    public Dictionary<string, ThresholdOverride> Thresholds { get; set; } = [];

    /// <summary>Distinct external mailboxes that may get near-identical content within <see cref="BulkWindow"/>.</summary>
    public int BulkRecipients { get; set; } = 50;

    public TimeSpan BulkWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>SimHash bits two texts may differ in and still count as the same content (unrelated texts differ in about 32).</summary>
    public int BulkDistance { get; set; } = 10;

    /// <summary>Texts shorter than this many shingles are never counted as bulk (a "Thanks!" is not a campaign).</summary>
    public int BulkMinimumFeatures { get; set; } = 12;

    /// <summary>Refused messages from one sender within <see cref="ViolationWindow"/> before its external sending is restricted.</summary>
    public int ViolationsBeforeRestriction { get; set; } = 3;

    /// <summary>Refused messages from one domain (all senders) before the whole domain is restricted.</summary>
    public int DomainViolationsBeforeRestriction { get; set; } = 10;

    public TimeSpan ViolationWindow { get; set; } = TimeSpan.FromDays(7);

    public int MailboxMessagesPerHour { get; set; } = 300;
    public int MailboxMessagesPerDay { get; set; } = 2000;
    public int MailboxRecipientsPerHour { get; set; } = 1000;
    public int MailboxRecipientsPerDay { get; set; } = 5000;
    public int DomainMessagesPerHour { get; set; } = 3000;
    public int DomainMessagesPerDay { get; set; } = 20000;
    public int DomainRecipientsPerHour { get; set; } = 10000;
    public int DomainRecipientsPerDay { get; set; } = 50000;
}
