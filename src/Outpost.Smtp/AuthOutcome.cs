namespace Outpost.Smtp;

/// <summary>The engine's answer to AUTH: success, and how long to hold the reply or whether to hang up (throttling).</summary>
public readonly record struct AuthOutcome(bool Success, string? Identity, TimeSpan Delay, bool Disconnect)
{
    public static AuthOutcome Succeeded(string identity) => new(true, identity, TimeSpan.Zero, false);
}
