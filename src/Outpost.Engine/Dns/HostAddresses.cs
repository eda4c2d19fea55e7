using System.Net;

namespace Outpost.Engine.Dns;

/// <summary>
/// The addresses of a relay's host name (or the address itself when the name is one). Asked of the
/// system's resolver, as any client of a smart host does, not of <c>Dns:Servers</c>: the relay is the
/// operator's own, usually named in the system's configuration or /etc/hosts.
/// </summary>
public static class HostAddresses
{
    public static async Task<IPAddress[]> OfAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal) ? [literal] : await System.Net.Dns.GetHostAddressesAsync(host, cancellationToken);
}
