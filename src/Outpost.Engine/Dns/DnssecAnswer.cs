namespace Outpost.Engine.Dns;

/// <summary>
/// A lookup through a validating resolver: its records (none for a name or type that does not exist), how
/// far they can be trusted, and, when the lookup failed, why, as a clause ("the TLSA records of
/// _25._tcp.mx.example.com failed DNSSEC validation").
/// </summary>
public sealed record DnssecAnswer<T>(DnssecStatus Status, IReadOnlyList<T> Records, string? Error = null)
{
    public static DnssecAnswer<T> Failure(string error) => new(DnssecStatus.Failed, [], error);
}
