namespace Outpost.Engine.Audit;

/// <summary>
/// Who acts, as the audit trail keeps it: a name (the OS user or <c>--actor</c> on the CLI, an API key's
/// owner, the signed-in person on the pages, "outpost" for Outpost itself) and the way in.
/// </summary>
public sealed record AuditActor(string Name, string Via)
{
    public const string Cli = "cli";
    public const string Api = "api";
    public const string Web = "web";

    /// <summary>Outpost itself: a restriction after too many violations.</summary>
    public static readonly AuditActor Outpost = new("outpost", "outpost");

    /// <summary>At most this long, and no control characters: the name is shown in tables and logs.</summary>
    public const int MaxName = 200;

    /// <summary>The sentence for a name that cannot be kept, or null when it can.</summary>
    public static string? Problem(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Length > MaxName || name.Any(char.IsControl)
            ? $"Say who acts in one line of at most {MaxName} characters."
            : null;
}
