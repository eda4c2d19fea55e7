using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>A plain socket that speaks whatever bytes a test wants, for attacks no real client would send.</summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    readonly TcpClient _client;
    readonly NetworkStream _stream;
    readonly StreamReader _reader;

    RawSmtpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reader = new StreamReader(_stream, Encoding.Latin1);
    }

    public static async Task<RawSmtpClient> ConnectAsync(int port, string localAddress = "127.0.0.1")
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(localAddress), 0));
        await client.ConnectAsync(IPAddress.Loopback, port);
        var raw = new RawSmtpClient(client);
        var greeting = await raw.ReadReplyAsync();
        Assert.StartsWith("220", greeting);
        return raw;
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Bytes as they are (UTF-8 text, NUL bytes), where <see cref="SendAsync"/> would send Latin-1.</summary>
    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>One whole reply (all lines of a multi-line one), or "" when the server closed the connection.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var sb = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token);
            if (line is null)
                return sb.ToString();
            sb.AppendLine(line);
            if (line.Length < 4 || line[3] != '-')
                return sb.ToString();
        }
    }

    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads replies until the server closes the connection; returns them all.</summary>
    public async Task<string> ReadToCloseAsync()
    {
        var sb = new StringBuilder();
        try
        {
            while (true)
            {
                var reply = await ReadReplyAsync();
                if (reply.Length == 0)
                    return sb.ToString();
                sb.Append(reply);
            }
        }
        catch (IOException)
        {
            return sb.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
