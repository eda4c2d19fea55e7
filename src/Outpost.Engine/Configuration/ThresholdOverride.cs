namespace Outpost.Engine.Configuration;

/// <summary>
/// An operator's own thresholds for one refusing class (<c>Policy:Thresholds:&lt;class&gt;:Refuse</c> and
/// <c>:Review</c>), replacing the model's: lower Review to hold more for review, raise Refuse to refuse less.
/// </summary>
public sealed class ThresholdOverride
{
    public double? Refuse { get; set; }
    public double? Review { get; set; }
}
