namespace Outpost.Engine.Secrets;

/// <summary>
/// The kinds of stored secret. Each is sealed under a purpose of its own, so a value sealed as one kind
/// never opens as another (a relay password copied into a webhook's row fails to open instead of signing).
/// </summary>
public enum SecretKind
{
    RelayPassword,
    WebhookSecret,
    /// <summary>A DKIM private key kept in the shared database (PostgreSQL mode).</summary>
    DkimPrivateKey,
}
