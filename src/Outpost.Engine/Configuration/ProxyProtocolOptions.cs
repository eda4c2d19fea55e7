namespace Outpost.Engine.Configuration;

/// <summary>
/// PROXY protocol (v1 and v2) on the SMTP listeners, for a TCP load balancer such as HAProxy in front of
/// 587/465. One list for every listener: a connection from these networks must begin with the header (as
/// Postfix's smtpd_upstream_proxy_protocol requires on a service that has it), any other client is served
/// directly and may not send one. Empty: off.
/// </summary>
public sealed class ProxyProtocolOptions
{
    /// <summary>The load balancers' networks in CIDR form, e.g. 10.0.0.5/32.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>How long a load balancer's connection may take to send its header (Postfix: 5 s).</summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
