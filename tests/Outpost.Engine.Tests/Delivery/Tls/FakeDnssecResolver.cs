using Outpost.Engine.Dns;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>A validating resolver as a table: each name's answer with its DNSSEC status; names not in it are insecure and empty.</summary>
internal sealed class FakeDnssecResolver : IDnssecResolver
{
    public bool Available { get; set; } = true;
    public Dictionary<string, DnssecAnswer<string>> Mx { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, DnssecAnswer<TlsaRecord>> Tlsa { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int Queries { get; private set; }

    public Task<DnssecAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default)
    {
        Queries++;
        return Task.FromResult(Mx.GetValueOrDefault(domain) ?? new DnssecAnswer<string>(DnssecStatus.Insecure, []));
    }

    public Task<DnssecAnswer<TlsaRecord>> TlsaAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        Queries++;
        return Task.FromResult(Tlsa.GetValueOrDefault($"_{port}._tcp.{host}") ?? new DnssecAnswer<TlsaRecord>(DnssecStatus.Insecure, []));
    }
}
