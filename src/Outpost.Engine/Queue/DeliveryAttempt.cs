namespace Outpost.Engine.Queue;

/// <summary>One try to deliver to one recipient, as the send log shows it.</summary>
public sealed record DeliveryAttempt(
    DateTimeOffset At,
    string? Channel,
    string? MxHost,
    string? MxAddress,
    int? Code,
    string Reply,
    string? Tls,
    TimeSpan Duration);
