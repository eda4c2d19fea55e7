namespace Outpost.Smtp;

/// <summary>The argument of MAIL FROM or RCPT TO: the address and its ESMTP parameters (names upper-cased).</summary>
public sealed record MailPath(EmailAddress Address, IReadOnlyDictionary<string, string?> Parameters);
