namespace Outpost.Engine.Policy;

/// <summary>One line of the restrictions' audit trail: who did what to whom, when and why.</summary>
public sealed record RestrictionEvent(DateTimeOffset At, string Scope, string Subject, string Action, string By, string Reason);
