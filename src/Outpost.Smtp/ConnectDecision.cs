namespace Outpost.Smtp;

/// <summary>The engine's answer to a new connection: a reply to refuse it with, and the trusted domain if any.</summary>
public readonly record struct ConnectDecision(SmtpReply? Refusal, string? TrustedDomain);
