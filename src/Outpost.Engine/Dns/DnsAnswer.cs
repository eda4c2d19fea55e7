namespace Outpost.Engine.Dns;

/// <summary>What a DNS lookup found: records, "no such name or no records", or a temporary failure.</summary>
public sealed record DnsAnswer<T>(IReadOnlyList<T> Records, bool NameExists, string? Error)
{
    public bool Failed => Error is not null;

    public static DnsAnswer<T> Of(IReadOnlyList<T> records) => new(records, true, null);
    public static DnsAnswer<T> NoSuchName() => new([], false, null);
    public static DnsAnswer<T> Failure(string error) => new([], true, error);
}
