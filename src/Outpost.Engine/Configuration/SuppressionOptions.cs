namespace Outpost.Engine.Configuration;

/// <summary>The suppression lists' settings.</summary>
public sealed class SuppressionOptions
{
    /// <summary>How many days a hard bounce keeps an address suppressed; 0 keeps it until someone removes it (the default).</summary>
    public int HardBounceDays { get; set; }
}
