using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Outpost.Smtp;

/// <summary>
/// Listens on the configured sockets and runs one <see cref="SmtpSession"/> per connection.
/// Talks to: the engine through <see cref="ISmtpBackend"/>. Security stance: a cap on connections in all
/// and per client address (<see cref="ConnectionLimits"/>), checked before a session begins; each session
/// carries its own limits and timeouts. A connection from a configured load balancer must begin with a
/// PROXY protocol header, bounded in bytes and time, and the client it names is the session's client for
/// every rule that follows (limits, trusted networks, login throttle, Received, send log).
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    readonly SmtpServerOptions _options;
    readonly IReadOnlyList<SmtpListenerConfig> _listeners;
    readonly ISmtpBackend _backend;
    readonly ILogger _logger;
    readonly SslStreamCertificateContext? _certificate;
    readonly List<(SmtpListenerConfig Config, TcpListener Socket)> _bound = [];
    readonly CancellationTokenSource _stopping = new();
    readonly List<Task> _loops = [];
    readonly HashSet<Task> _sessions = [];
    readonly ConnectionLimits _limits;
    long _sessionCounter;

    public SmtpServer(SmtpServerOptions options, IEnumerable<SmtpListenerConfig> listeners, ISmtpBackend backend, ILogger logger)
    {
        _options = options;
        _listeners = listeners.ToList();
        _backend = backend;
        _logger = logger;
        _limits = new ConnectionLimits(options);
        if (options.Certificate is not null)
            _certificate = SslStreamCertificateContext.Create(options.Certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>The addresses actually bound (port 0 in the configuration becomes a real port here).</summary>
    public IReadOnlyDictionary<string, IPEndPoint> Endpoints =>
        _bound.ToDictionary(b => b.Config.Name, b => (IPEndPoint)b.Socket.LocalEndpoint);

    /// <summary>Binds every listener, so that a port in use fails start-up rather than the first client.</summary>
    public void Start()
    {
        foreach (var config in _listeners)
        {
            var socket = new TcpListener(config.Endpoint);
            socket.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Start(backlog: 512);
            _bound.Add((config, socket));
            _logger.LogInformation("SMTP {Listener} listening on {Endpoint} ({Mode})", config.Name, socket.LocalEndpoint, config.Mode);
        }
        foreach (var (config, socket) in _bound)
            _loops.Add(Task.Run(() => AcceptLoopAsync(config, socket)));
    }

    /// <summary>The longest pause between accepts while the process has no file descriptor left.</summary>
    static readonly TimeSpan MaxAcceptPause = TimeSpan.FromSeconds(1);

    async Task AcceptLoopAsync(SmtpListenerConfig config, TcpListener listener)
    {
        // Out of file descriptors, accept fails at once for as long as the waiting connection stays in the
        // backlog: without a pause the loop would spin and log a line per try. So it says so once, waits
        // (10 ms, doubling to 1 s; the kernel keeps the connections waiting in its backlog meanwhile),
        // and says once when it accepts again.
        var pause = TimeSpan.Zero;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                if (pause == TimeSpan.Zero)
                    _logger.LogError("SMTP {Listener} cannot accept connections: the process has no file descriptors left ({Error}); " +
                        "new connections wait until others close (raise LimitNOFILE or lower Smtp:MaxConnections)", config.Name, ex.Message);
                pause = pause == TimeSpan.Zero ? TimeSpan.FromMilliseconds(10) : TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxAcceptPause.Ticks));
                try
                {
                    await Task.Delay(pause, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            catch (SocketException ex)
            {
                _logger.LogWarning("Accept on {Listener} failed: {Error}", config.Name, ex.Message);
                continue;
            }
            if (pause != TimeSpan.Zero)
            {
                pause = TimeSpan.Zero;
                _logger.LogWarning("SMTP {Listener} accepts connections again", config.Name);
            }
            socket.NoDelay = true;
            var task = RunSessionAsync(config, socket);
            lock (_sessions)
                _sessions.Add(task);
            _ = task.ContinueWith(t => { lock (_sessions) _sessions.Remove(t); }, TaskScheduler.Default);
        }
    }

    async Task RunSessionAsync(SmtpListenerConfig config, Socket socket)
    {
        await Task.Yield();
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        Stream network = new NetworkStream(socket, ownsSocket: true);
        if (IsProxySource(remote.Address))
        {
            // Before anything else, TLS on 465 included: the load balancer's header names the real client.
            var (header, rest, reason) = await ReadProxyHeaderAsync(network);
            if (header is null)
            {
                _logger.LogWarning("Connection from load balancer {Remote} on {Listener} refused: the PROXY protocol header was not valid ({Reason})",
                    remote, config.Name, reason);
                await using var refused = new SmtpConnection(network);
                await TryRefuseAsync(refused, SmtpReplies.ProxyHeaderMissing);
                return;
            }
            remote = header.Source ?? remote;
            local = header.Destination ?? local;
            network = new Proxy.PrefixedStream(rest, network);
        }
        var connection = new SmtpConnection(network);
        await using (connection)
        {
            if (_limits.TryAcquire(remote.Address) is { } refusal)
            {
                _logger.LogDebug("Connection from {Remote} refused: {Reply}", remote, refusal);
                await TryRefuseAsync(connection, refusal);
                return;
            }
            try
            {
                var info = new SmtpSessionInfo
                {
                    Id = $"{Environment.ProcessId:x}.{Interlocked.Increment(ref _sessionCounter):x}",
                    ListenerName = config.Name,
                    Mode = config.Mode,
                    Remote = remote,
                    Local = local,
                };
                var options = config.MaxMessageSize is { } max ? _options.WithMaxMessageSize(max) : _options;
                var session = new SmtpSession(connection, info, options, _backend, _certificate, _logger);
                await session.RunAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                // The client went away before the session began.
            }
            finally
            {
                _limits.Release(remote.Address);
            }
        }
    }

    bool IsProxySource(IPAddress address)
    {
        if (_options.ProxySources.Count == 0)
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        foreach (var network in _options.ProxySources)
            if (network.Contains(address))
                return true;
        return false;
    }

    async Task<(Proxy.ProxyHeader?, byte[], string?)> ReadProxyHeaderAsync(Stream network)
    {
        try
        {
            return await Proxy.ProxyHeaderReader.ReadAsync(network, _options.ProxyHeaderTimeout, _stopping.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return (null, [], "the connection failed while the header was read");
        }
    }

    static async Task TryRefuseAsync(SmtpConnection connection, SmtpReply refusal)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            connection.Queue(refusal);
            await connection.FlushAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Stops accepting, tells open sessions 421, and waits a little for them to end.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_stopping.IsCancellationRequested)
            return;
        foreach (var (_, socket) in _bound)
            socket.Stop();
        await _stopping.CancelAsync();
        Task[] open;
        lock (_sessions)
            open = [.. _sessions, .. _loops];
        await Task.WhenAny(Task.WhenAll(open), Task.Delay(grace));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5));
        _stopping.Dispose();
    }
}
