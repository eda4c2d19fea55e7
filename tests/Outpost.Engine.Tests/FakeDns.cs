using System.Net;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Tests;

/// <summary>DNS as a table, for unit tests of the record checks; names not in it do not exist.</summary>
internal sealed class FakeDns : ITxtResolver
{
    public Dictionary<string, List<string>> Txt { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, List<IPAddress>> A { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, List<string>> Mx { get; } = new(StringComparer.OrdinalIgnoreCase);
    public HashSet<string> Failing { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int Queries { get; private set; }

    public FakeDns AddTxt(string name, string value)
    {
        if (!Txt.TryGetValue(name, out var list))
            Txt[name] = list = [];
        list.Add(value);
        return this;
    }

    DnsAnswer<T> Answer<T>(string name, Dictionary<string, List<T>> table)
    {
        Queries++;
        if (Failing.Contains(name))
            return DnsAnswer<T>.Failure("SERVFAIL");
        return table.TryGetValue(name, out var records) ? DnsAnswer<T>.Of(records) : DnsAnswer<T>.NoSuchName();
    }

    public Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Answer(name, Txt));
    public Task<DnsAnswer<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Answer(name, A));
    public Task<DnsAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default) => Task.FromResult(Answer(domain, Mx));
}
