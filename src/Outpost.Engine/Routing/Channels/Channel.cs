namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// An outbound path (M2, M3). Direct: connects to the recipients' MX hosts from <see cref="BindAddress"/>
/// (any source address when null) and introduces itself as <see cref="HeloName"/>. Relay: hands mail to a
/// smart host with TLS and optional AUTH. <see cref="SealedPassword"/> is the relay password sealed by
/// <see cref="RelayPasswords"/>; it is opened only to authenticate, and no command or log shows it.
/// </summary>
public sealed record Channel(
    string Name,
    ChannelKind Kind,
    string? BindAddress,
    string? HeloName,
    string? Region,
    int MaxConnections,
    int Weight,
    bool Enabled,
    string? RelayHost,
    int RelayPort,
    RelayTls RelayTls,
    bool VerifyCertificate,
    string? Username,
    string? SealedPassword)
{
    /// <summary>The channel used when none is configured: direct, from any source address.</summary>
    public static readonly Channel Default = new("direct", ChannelKind.Direct, null, null, null, 0, 100, true, null, 0, RelayTls.StartTls, true, null, null);

    public string Describe() => Kind == ChannelKind.Direct
        ? $"direct from {BindAddress ?? "any address"}" + (HeloName is null ? "" : $" as {HeloName}")
        : $"relay {RelayHost}:{RelayPort} ({(RelayTls == RelayTls.Implicit ? "TLS" : "STARTTLS")}{(Username is null ? "" : ", AUTH")})";
}
