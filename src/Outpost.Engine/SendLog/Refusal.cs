namespace Outpost.Engine.SendLog;

/// <summary>A refusal at SMTP time: who tried what, at which stage, and the reply they saw.</summary>
public sealed record Refusal(
    DateTimeOffset At,
    string SessionId,
    string ClientIp,
    string? AuthUser,
    string? Sender,
    string? Recipient,
    string Stage,
    int Code,
    string Reply);
