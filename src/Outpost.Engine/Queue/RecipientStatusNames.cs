namespace Outpost.Engine.Queue;

/// <summary>The lower-case words of <see cref="RecipientStatus"/> as stored and shown.</summary>
public static class RecipientStatusNames
{
    public static string ToName(this RecipientStatus status) => status.ToString().ToLowerInvariant();

    public static RecipientStatus Parse(string name) =>
        Enum.TryParse<RecipientStatus>(name, ignoreCase: true, out var status)
            ? status
            : throw new ArgumentException($"'{name}' is not a status; use one of {string.Join(", ", Enum.GetNames<RecipientStatus>().Select(n => n.ToLowerInvariant()))}.");

    /// <summary>A final status never changes again.</summary>
    public static bool IsFinal(this RecipientStatus status) =>
        status is RecipientStatus.Delivered or RecipientStatus.Bounced or RecipientStatus.Rejected;
}
