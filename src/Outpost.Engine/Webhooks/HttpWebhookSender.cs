using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// POSTs a signed webhook with HttpClient: the Standard Webhooks headers, a JSON body, one timeout over
/// connect, send and the answer; redirects are not followed (a 3xx is a failure like any non-2xx), no
/// proxy from the environment, no cookies; at most 1 KB of an error answer is read, for the attempt's
/// short error, and at most 64 KB of any answer before the connection is let go.
/// Talks to: the receiver, and DNS through <see cref="DnsAddressResolver"/>.
/// Security: every connection dials an address <see cref="WebhookAddressGuard"/> allows (a domain's
/// endpoint: public addresses only, unless Webhooks:AllowPrivateNetworks); TLS certificates are verified
/// as usual; the secret never leaves this process (only its signature does).
/// </summary>
public sealed class HttpWebhookSender : IWebhookSender, IDisposable
{
    const int ErrorBytes = 1024, DrainBytes = 64 * 1024, ErrorLength = 200;

    readonly WebhookOptions _options;
    readonly DnsAddressResolver _resolver;
    // Two pools: a connection opened for an endpoint that may reach private networks is never reused for one that may not.
    readonly HttpClient _public, _private;

    public HttpWebhookSender(WebhookOptions options, DnsAddressResolver resolver)
    {
        _options = options;
        _resolver = resolver;
        _public = Client(allowPrivate: false);
        _private = Client(allowPrivate: true);
    }

    HttpClient Client(bool allowPrivate) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = _options.Timeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        // A name may move to another address: connections are not kept for ever.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = Math.Max(2, _options.Concurrency),
        MaxResponseHeadersLength = 16,
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // one deadline of our own covers the answer's body too
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("Outpost-Webhooks", "1") } },
    };

    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url)
        {
            Content = new StringContent(request.Body, new UTF8Encoding(false), "application/json"),
        };
        message.Headers.Add("webhook-id", request.WebhookId);
        message.Headers.Add("webhook-timestamp", request.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.Add("webhook-signature", request.Signature);
        try
        {
            using var response = await (request.AllowPrivateNetworks ? _private : _public)
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var code = (int)response.StatusCode;
            var text = await ReadAsync(response, code is >= 200 and < 300 ? 0 : ErrorBytes, deadline.Token);
            string? error = code is >= 200 and < 300 ? null : Short($"{response.ReasonPhrase}{(text.Length > 0 ? ": " + text : "")}");
            return new WebhookResponse(code, error, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse(null, $"no answer within {_options.Timeout.TotalSeconds:0.#} s", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            return new WebhookResponse(null, Short(Innermost(ex)), Stopwatch.GetElapsedTime(started));
        }
        catch (IOException ex)
        {
            return new WebhookResponse(null, Short(ex.Message), Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Up to <paramref name="keep"/> bytes of the answer as text; the rest, to 64 KB, read and dropped so the connection can be reused.</summary>
    static async Task<string> ReadAsync(HttpResponseMessage response, int keep, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        var kept = new MemoryStream();
        var total = 0;
        int read;
        while (total < DrainBytes && (read = await body.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, DrainBytes - total)), cancellationToken)) > 0)
        {
            if (kept.Length < keep)
                kept.Write(buffer, 0, (int)Math.Min(read, keep - kept.Length));
            total += read;
        }
        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length).Trim();
    }

    async ValueTask<Stream> ConnectAsync(DnsEndPoint target, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = target.Host.Trim('[', ']');
        IReadOnlyList<IPAddress> addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolver.ResolveAsync(host, cancellationToken);
        if (addresses.Count == 0)
            throw new WebhookAddressException($"{host} has no address.");
        var allowed = allowPrivate ? addresses : addresses.Where(WebhookAddressGuard.IsPublic).ToList();
        if (allowed.Count == 0)
            throw new WebhookAddressException($"{(literal is null ? $"{host} is {addresses[0]}, which" : host)} is not a public address; a domain's webhooks go to public addresses only (Webhooks:AllowPrivateNetworks).");
        SocketException? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw new IOException($"Cannot connect to {host} port {target.Port}: {last!.Message}", last);
    }

    static string Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner && ex is not WebhookAddressException)
            ex = inner;
        return ex.Message;
    }

    /// <summary>One line, at most 200 characters: what the attempt row keeps.</summary>
    static string Short(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= ErrorLength ? line : line[..(ErrorLength - 1)] + "…";
    }

    public void Dispose()
    {
        _public.Dispose();
        _private.Dispose();
    }
}
