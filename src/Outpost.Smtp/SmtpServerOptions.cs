using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Outpost.Smtp;

/// <summary>Protocol limits. Every input has one; the defaults follow RFC 5321 §4.5.3 and common practice.</summary>
public sealed class SmtpServerOptions
{
    /// <summary>Name in the greeting and the EHLO reply.</summary>
    public string Hostname { get; set; } = "localhost";

    /// <summary>Largest message accepted, in octets after dot-unstuffing; advertised as SIZE.</summary>
    public long MaxMessageSize { get; set; } = 25L * 1024 * 1024;

    public int MaxRecipients { get; set; } = 100;

    /// <summary>A command line including CRLF (RFC 5321: 512).</summary>
    public int MaxCommandLine { get; set; } = 512;

    /// <summary>An AUTH continuation line (RFC 4954: 12288).</summary>
    public int MaxAuthLine { get; set; } = 12288;

    /// <summary>A text line of the message including CRLF (RFC 5321: 1000).</summary>
    public int MaxDataLine { get; set; } = 1000;

    /// <summary>Wait for the next command (RFC 5321 §4.5.3.2 asks for at least 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Wait for each command until the client has opened its first transaction (MAIL): a client that connects
    /// and says nothing holds a connection slot for nothing, so it gets far less than the 5 minutes of a real conversation.
    /// </summary>
    public TimeSpan GreetingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A command line, once its first byte has arrived, must be complete within this (slowloris: one byte every
    /// few seconds would otherwise keep a 512-octet line going for half an hour).
    /// </summary>
    public TimeSpan CommandLineTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The whole of DATA, from 354 to the final dot, however steadily the bytes trickle in.</summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Wait for the next block of message data.</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Longest a connection may stay open in all.</summary>
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Bad commands tolerated on one connection before it is closed.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>Failed AUTH attempts on one connection before it is closed (the per-address throttle counts across connections).</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>Concurrent connections across all listeners; past it new clients get 421.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Concurrent connections from one client address; past it that address gets 421 and others are still served.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 20;

    /// <summary>The same for the host itself (127.0.0.1, ::1) and <see cref="TrustedNetworks"/>: application servers pool connections.</summary>
    public int MaxConnectionsPerTrustedAddress { get; set; } = 200;

    /// <summary>Networks whose addresses get <see cref="MaxConnectionsPerTrustedAddress"/>.</summary>
    public IReadOnlyList<IPNetwork> TrustedNetworks { get; set; } = [];

    /// <summary>
    /// Load balancers that put a PROXY protocol header (v1 or v2) before each connection. A connection from one
    /// of these must begin with the header, and the client address in it is the session's; from any other
    /// address a header is refused. Empty: PROXY protocol is off.
    /// </summary>
    public IReadOnlyList<IPNetwork> ProxySources { get; set; } = [];

    /// <summary>How long a connection from a load balancer may take to send its PROXY header.</summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The certificate for STARTTLS and implicit TLS; without it TLS is not offered.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>These options with another message limit, for a listener that has its own.</summary>
    public SmtpServerOptions WithMaxMessageSize(long maxMessageSize)
    {
        var copy = (SmtpServerOptions)MemberwiseClone();
        copy.MaxMessageSize = maxMessageSize;
        return copy;
    }
}
