using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Smtp.Tests.Client;

/// <summary>
/// A loopback server that plays a script, for what a well-behaved server never does (malformed replies,
/// bytes after the STARTTLS reply, silence) and to see exactly what the client sends and when.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly Task _run;

    public ScriptedServer(Func<Side, Task> script)
    {
        _listener.Start();
        _run = Task.Run(async () =>
        {
            using var socket = await _listener.AcceptSocketAsync();
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await script(new Side(stream));
        });
    }

    /// <summary>The script's end: its exceptions (a failed assertion in it) surface here.</summary>
    public Task Finished => _run;

    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The server's end of the connection.</summary>
    internal sealed class Side(NetworkStream stream)
    {
        readonly List<byte> _pending = [];

        public Task SendAsync(string text) => stream.WriteAsync(Encoding.UTF8.GetBytes(text)).AsTask();

        /// <summary>The next CRLF line the client sent, without the CRLF.</summary>
        public async Task<string> LineAsync()
        {
            var line = await UntilAsync("\r\n"u8.ToArray());
            return Encoding.UTF8.GetString(line, 0, line.Length - 2);
        }

        /// <summary>Message data as it was on the wire, up to and including the end mark.</summary>
        public async Task<string> DataAsync() => Encoding.UTF8.GetString(await UntilAsync("\r\n.\r\n"u8.ToArray()));

        /// <summary>True when the client has sent nothing more within a short wait (or hung up).</summary>
        public async Task<bool> QuietAsync()
        {
            if (_pending.Count > 0)
                return false;
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var buffer = new byte[256];
            try
            {
                var read = await stream.ReadAsync(buffer, wait.Token);
                _pending.AddRange(buffer.AsSpan(0, read).ToArray());
                return read == 0; // closed without a word
            }
            catch (OperationCanceledException)
            {
                return true;
            }
        }

        async Task<byte[]> UntilAsync(byte[] end)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var buffer = new byte[4096];
            while (true)
            {
                var at = IndexOf(_pending, end);
                if (at >= 0)
                {
                    var result = _pending.GetRange(0, at + end.Length).ToArray();
                    _pending.RemoveRange(0, at + end.Length);
                    return result;
                }
                var read = await stream.ReadAsync(buffer, wait.Token);
                if (read == 0)
                    throw new IOException("The client closed the connection");
                _pending.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }

        static int IndexOf(List<byte> data, byte[] pattern)
        {
            for (var i = 0; i + pattern.Length <= data.Count; i++)
            {
                var match = true;
                for (var j = 0; j < pattern.Length && match; j++)
                    match = data[i + j] == pattern[j];
                if (match)
                    return i;
            }
            return -1;
        }
    }
}
