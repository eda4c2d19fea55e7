using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Routing.Channels;
using Outpost.Smtp.Client;

namespace Outpost.Engine.Delivery;

/// <summary>
/// A connection through one channel, or the reason there is none: the open SMTP client with the host and
/// address it reached, or the reply that says why no host could be used; and the TLS policy it went under
/// with what came of it, for the attempts. Disposing it closes the client and gives the channel's
/// connection slot back.
/// </summary>
public sealed class ChannelConnection(Channel channel, SmtpClientConnection? client, string? host, string? address, string? error, SemaphoreSlim? slot,
    string? tlsPolicy = null, TlsPolicy? openedUnder = null) : IAsyncDisposable
{
    public Channel Channel { get; } = channel;
    public SmtpClientConnection? Client { get; } = client;
    public string? Host { get; } = host;
    public string? Address { get; } = address;
    public string? Error { get; } = error;

    /// <summary>The TLS policy and its outcome in words ("opportunistic: TLSv1.3 without verification to mx.example.com").</summary>
    public string? TlsPolicy { get; } = tlsPolicy;

    /// <summary>The policy the connection was opened under (null for a relay's, whose TLS is the channel's own).</summary>
    public TlsPolicy? OpenedUnder { get; } = openedUnder;

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
            await Client.DisposeAsync();
        slot?.Release();
    }
}
