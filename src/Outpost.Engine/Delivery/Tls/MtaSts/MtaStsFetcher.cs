using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>
/// Fetches a domain's MTA-STS policy file from <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c>
/// with the limits of RFC 8461 §3.3: the certificate verified for the policy host (the
/// <see cref="CertificateVerifier"/>: trust store, name, dates), redirects refused, at most 64 KB, short
/// timeouts, only a 200 of text/plain. The policy host's address is looked up through the Dns layer (the
/// configured resolvers), and the port is <see cref="TlsOptions.MtaStsPort"/> (443; tests use their own).
/// Talks to: the address resolver, the policy host over HTTPS.
/// Security stance: what it returns is text to be parsed strictly; every failure is a sentence, never an
/// exception. The policy host is named by whoever controls the destination's DNS, so a host on a private,
/// loopback or link-local address is refused (the webhooks' <see cref="Webhooks.WebhookAddressGuard"/>)
/// unless <see cref="TlsOptions.MtaStsAllowPrivate"/> says otherwise: a sender must not be made to fetch from
/// inside its own network.
/// </summary>
public sealed class MtaStsFetcher : IMtaStsFetcher, IDisposable
{
    /// <summary>RFC 8461 §3.3: senders may limit the policy to 64 KB.</summary>
    public const int MaxPolicyBytes = 64 * 1024;

    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(20);

    readonly HttpClient _client;
    readonly ITxtResolver _dns;
    readonly int _port;
    readonly bool _allowPrivate;
    readonly CertificateVerifier _verifier;

    public MtaStsFetcher(TlsOptions options, ITxtResolver dns, CertificateVerifier verifier)
    {
        _dns = dns;
        _port = options.MtaStsPort;
        _allowPrivate = options.MtaStsAllowPrivate;
        _verifier = verifier;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = ConnectTimeout,
            MaxResponseHeadersLength = 16,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler) { Timeout = FetchTimeout, MaxResponseContentBufferSize = MaxPolicyBytes };
    }

    /// <summary>
    /// The connection to the policy host, TLS included: done here rather than by the handler so that the
    /// certificate is checked by the verifier for exactly this host, and its sentence comes back with the failure.
    /// </summary>
    async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var answer = await _dns.AddressesAsync(host, cancellationToken);
        if (answer.Failed || answer.Records.Count == 0)
            throw new HttpRequestException(answer.Error ?? $"{host} has no address");
        var address = _allowPrivate ? answer.Records[0] : answer.Records.FirstOrDefault(Webhooks.WebhookAddressGuard.IsPublic);
        if (address is null)
            throw new PolicyHostAddressException($"{host} is {answer.Records[0]}, which is not a public address; MTA-STS policies are fetched from public addresses only (Tls:MtaStsAllowPrivate).");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? tls = null;
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, _port), cancellationToken);
            tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
            string? problem = null;
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) => (problem = _verifier.Problem(certificate, chain, errors, host)) is null,
                }, cancellationToken);
            }
            catch (AuthenticationException) when (problem is not null)
            {
                throw new AuthenticationException(problem);
            }
            return tls;
        }
        catch
        {
            if (tls is not null)
                await tls.DisposeAsync();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The policy text of <paramref name="domain"/>, or a sentence saying why there is none with the TLS-RPT
    /// result type of that failure (RFC 8460 §4.3.2: the policy host's certificate refused, or any other failure to fetch).
    /// </summary>
    public async Task<(string? Text, string? Error, string? ResultType)> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        var host = "mta-sts." + domain;
        try
        {
            // "http" only to the handler: the connection it gets from ConnectAsync is already TLS, verified there.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/.well-known/mta-sts.txt");
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400)
                return Fetch($"{host} answered with a redirect, which MTA-STS does not follow");
            if (response.StatusCode != HttpStatusCode.OK)
                return Fetch($"{host} answered {(int)response.StatusCode} to the policy request");
            if (response.Content.Headers.ContentType?.MediaType is not "text/plain")
                return Fetch($"{host} served the policy as {response.Content.Headers.ContentType?.MediaType ?? "no media type"}, not text/plain");
            if (response.Content.Headers.ContentLength > MaxPolicyBytes)
                return Fetch($"the policy at {host} is larger than {MaxPolicyBytes / 1024} KB");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[MaxPolicyBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
                length += read;
            if (length > MaxPolicyBytes)
                return Fetch($"the policy at {host} is larger than {MaxPolicyBytes / 1024} KB");
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length), null, null);
        }
        catch (HttpRequestException ex)
        {
            for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
            {
                if (inner is AuthenticationException refused)
                    return (null, $"the policy host's certificate is refused: {refused.Message}", Report.TlsResultTypes.StsWebPkiInvalid);
                if (inner is PolicyHostAddressException guarded)
                    return Fetch(guarded.Message);
            }
            return Fetch($"the policy cannot be fetched from {host}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fetch($"the policy fetch from {host} timed out");
        }
        catch (DecoderFallbackException)
        {
            return Fetch($"the policy at {host} is not UTF-8 text");
        }
        catch (IOException ex)
        {
            return Fetch($"the policy cannot be fetched from {host}: {ex.Message}");
        }
    }

    static (string?, string?, string?) Fetch(string error) => (null, error, Report.TlsResultTypes.StsPolicyFetchError);

    public void Dispose() => _client.Dispose();
}
