namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// One row of the operator's per-destination TLS policy table (<c>outpost tls-policy add</c>): the
/// destination domain, its mode as the table's word (none, may, encrypt, verify), the MX host patterns
/// allowed (empty: any), and when it was added.
/// </summary>
public sealed record TlsPolicyEntry(string Domain, string Mode, IReadOnlyList<string> Match, DateTimeOffset CreatedAt)
{
    /// <summary>The table's words, in the order of <see cref="TlsMode"/>.</summary>
    public static readonly IReadOnlyList<string> Modes = ["none", "may", "encrypt", "verify"];

    /// <summary>The mode a table word stands for, or null for a word that is none of them.</summary>
    public static TlsMode? ModeOf(string word) => word.ToLowerInvariant() switch
    {
        "none" => TlsMode.None,
        "may" => TlsMode.Opportunistic,
        "encrypt" => TlsMode.Encrypt,
        "verify" => TlsMode.Verify,
        _ => null,
    };

    /// <summary>The policy this row gives its domain's deliveries.</summary>
    public TlsPolicy ToPolicy() =>
        new(ModeOf(Mode) ?? TlsMode.Opportunistic, Match, $"TLS policy table: {Mode} for {Domain}" + (Match.Count > 0 ? $" (MX {string.Join(", ", Match)})" : ""));
}
