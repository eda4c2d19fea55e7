namespace Outpost.Engine.Signing;

/// <summary>
/// A key's life: <c>Pending</c> (made by a rotation, waiting for its record to be published and seen),
/// <c>Active</c> (signing), <c>Retiring</c> (replaced; its record should stay published a while for mail
/// still in flight), <c>Retired</c> (its private key is deleted).
/// </summary>
public enum DkimKeyState
{
    Pending,
    Active,
    Retiring,
    Retired,
}
