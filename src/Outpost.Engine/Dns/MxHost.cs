using System.Net;

namespace Outpost.Engine.Dns;

/// <summary>A mail exchanger with its preference and addresses.</summary>
public sealed record MxHost(string Name, int Preference, IReadOnlyList<IPAddress> Addresses);
