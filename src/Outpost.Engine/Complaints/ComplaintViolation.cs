namespace Outpost.Engine.Complaints;

/// <summary>The violation a complaint counts towards the sender's restriction, like a refused message.</summary>
public sealed record ComplaintViolation(string Sender, string Domain, string? Subject);
