namespace Outpost.Engine.Delivery;

/// <summary>How one try for one recipient ended, before retry policy decides the new status.</summary>
public enum AttemptKind
{
    Delivered,
    Temporary,
    Permanent,
}
