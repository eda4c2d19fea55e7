using System.Net;

namespace Outpost.Smtp;

/// <summary>
/// One socket the server listens on. <paramref name="MaxMessageSize"/>, when set, is this listener's own
/// (smaller) message limit: the feedback listener takes reports from anyone, so it takes less than submission.
/// </summary>
public sealed record SmtpListenerConfig(string Name, IPEndPoint Endpoint, ListenerMode Mode, long? MaxMessageSize = null);
