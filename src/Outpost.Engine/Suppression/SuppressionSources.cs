namespace Outpost.Engine.Suppression;

/// <summary>How an address came onto a suppression list.</summary>
public static class SuppressionSources
{
    /// <summary>A permanent failure about the recipient (user unknown, mailbox disabled).</summary>
    public const string Bounce = "bounce";
    public const string Operator = "operator";
    public const string Import = "import";
    /// <summary>The recipient complained about the domain's mail (a feedback report, or a forwarded complaint).</summary>
    public const string Complaint = "complaint";
}
