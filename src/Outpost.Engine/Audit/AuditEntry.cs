namespace Outpost.Engine.Audit;

/// <summary>
/// One line of the audit trail: who (<see cref="Actor"/>, and <see cref="Via"/> the CLI, the API, the web
/// pages or Outpost itself) did what (<see cref="Action"/> to <see cref="Target"/>: a queue selection, a
/// mailbox or a domain), why, when, and for a queue action how many recipients it changed and how many it
/// left alone because a delivery held them. <see cref="Domain"/> is the sending domain the action was
/// limited to, so a domain admin reads its own domain's lines.
/// </summary>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Actor,
    string? Via,
    string Action,
    string Target,
    string? Domain,
    string? Reason,
    int Touched,
    int Skipped);
