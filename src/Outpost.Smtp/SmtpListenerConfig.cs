using System.Net;

namespace Outpost.Smtp;

/// <summary>One socket the server listens on.</summary>
public sealed record SmtpListenerConfig(string Name, IPEndPoint Endpoint, ListenerMode Mode);
