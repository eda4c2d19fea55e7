using System.Net;

namespace Outpost.Smtp.Proxy;

/// <summary>
/// A parsed PROXY protocol header. <see cref="Source"/> and <see cref="Destination"/> are null when the
/// header carries no addresses (v1 UNKNOWN, v2 LOCAL or an address family other than TCP over IPv4/IPv6):
/// the connection's own addresses then stand, as the protocol specification asks.
/// </summary>
public sealed record ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination);
