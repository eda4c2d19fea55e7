using System.Net;
using Outpost.Engine.Dns;

namespace Outpost.Fuzz;

/// <summary>
/// DNS made of the fuzzer's input: each line "name value" is a record of that name. A name's TXT
/// records are all its values, its addresses the values that are IP addresses, its MX hosts the values
/// that are neither and have no space; a name starting with "servfail" fails; any other name does not
/// exist. Counts every query, so a target can bound them.
/// </summary>
internal sealed class FuzzDns : ITxtResolver
{
    readonly Dictionary<string, List<string>> _records = new(StringComparer.OrdinalIgnoreCase);

    public FuzzDns(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var space = line.IndexOf(' ');
            if (space <= 0)
                continue;
            var name = line[..space];
            if (!_records.TryGetValue(name, out var values))
                _records[name] = values = [];
            values.Add(line[(space + 1)..]);
        }
    }

    public int Queries { get; private set; }

    DnsAnswer<T> Answer<T>(string name, Func<string, T?> pick) where T : class
    {
        Queries++;
        if (name.StartsWith("servfail", StringComparison.OrdinalIgnoreCase))
            return DnsAnswer<T>.Failure("SERVFAIL");
        if (!_records.TryGetValue(name, out var values))
            return DnsAnswer<T>.NoSuchName();
        return DnsAnswer<T>.Of(values.Select(pick).OfType<T>().ToList());
    }

    public Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Answer(name, v => v));

    public Task<DnsAnswer<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(Answer(name, v => IPAddress.TryParse(v, out var ip) ? ip : null));

    public Task<DnsAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default) =>
        Task.FromResult(Answer(domain, v => !v.Contains(' ') && !IPAddress.TryParse(v, out _) ? v : null));
}
