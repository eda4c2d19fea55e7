namespace Outpost.Engine.Bounces;

/// <summary>What a remote reply means for the message, decided once, at the boundary.</summary>
public enum BounceClass
{
    Delivered,
    Temporary,
    /// <summary>Refused for good because of the recipient: bounce, trying other channels would not help.</summary>
    PermanentRecipient,
    /// <summary>Refused because of the sending server or address: try the next channel at once.</summary>
    PermanentPath,
    PermanentContent,
    Permanent,
}
