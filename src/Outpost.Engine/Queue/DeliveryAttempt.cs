namespace Outpost.Engine.Queue;

/// <summary>One try to deliver to one recipient, as the send log shows it.</summary>
/// <param name="TlsPolicy">
/// The TLS policy the try went under and what came of it, in words ("MTA-STS enforce for example.com, policy id
/// 20260101: verified TLS 1.3 to mx1.example.com"); null for local delivery and for tries that reached no host.
/// </param>
public sealed record DeliveryAttempt(
    DateTimeOffset At,
    string? Channel,
    string? MxHost,
    string? MxAddress,
    int? Code,
    string Reply,
    string? Tls,
    TimeSpan Duration,
    string? TlsPolicy = null);
