namespace Outpost.Engine.Queue;

/// <summary>Where a recipient's copy goes: a hosted mailbox here, or a remote server.</summary>
public enum Route
{
    Local,
    Remote,
}
