using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace Outpost.Smtp.Tests;

/// <summary>The protocol layer on loopback ports with a <see cref="FakeBackend"/>, and a raw client for it.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    });

    readonly SmtpServer _server;
    public FakeBackend Backend { get; } = new();
    public SmtpServerOptions Options { get; }

    public TestServer(Action<SmtpServerOptions>? configure = null)
    {
        Options = new SmtpServerOptions { Hostname = "test.local", Certificate = Certificate.Value, MaxMessageSize = 10_000, MaxRecipients = 3 };
        configure?.Invoke(Options);
        _server = new SmtpServer(Options,
        [
            new SmtpListenerConfig("submission", new IPEndPoint(IPAddress.Loopback, 0), ListenerMode.Submission),
            new SmtpListenerConfig("relay", new IPEndPoint(IPAddress.Loopback, 0), ListenerMode.Relay),
            new SmtpListenerConfig("feedback", new IPEndPoint(IPAddress.Loopback, 0), ListenerMode.Feedback, FeedbackMaxMessageSize),
        ], Backend, NullLogger.Instance);
        _server.Start();
    }

    public int SubmissionPort => _server.Endpoints["submission"].Port;
    public int RelayPort => _server.Endpoints["relay"].Port;
    public int FeedbackPort => _server.Endpoints["feedback"].Port;

    /// <summary>The feedback listener's own limit, below the server's.</summary>
    public const long FeedbackMaxMessageSize = 2_000;

    public async Task<Client> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var client = new Client(tcp);
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        return client;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>Speaks raw bytes; reads whole (multi-line) replies.</summary>
    internal sealed class Client : IAsyncDisposable
    {
        readonly TcpClient _tcp;
        Stream _stream;
        StreamReader _reader;

        public Client(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _reader = new StreamReader(_stream, Encoding.Latin1);
        }

        public async Task SendAsync(string text)
        {
            await _stream.WriteAsync(Encoding.Latin1.GetBytes(text));
            await _stream.FlushAsync();
        }

        public async Task<string> ReadReplyAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var sb = new StringBuilder();
            while (true)
            {
                var line = await _reader.ReadLineAsync(cts.Token);
                if (line is null)
                    return sb.ToString();
                sb.Append(line).Append('\n');
                if (line.Length < 4 || line[3] != '-')
                    return sb.ToString();
            }
        }

        public async Task<string> CommandAsync(string line)
        {
            await SendAsync(line + "\r\n");
            return await ReadReplyAsync();
        }

        /// <summary>True when the server has closed the connection.</summary>
        public async Task<bool> IsClosedAsync()
        {
            try
            {
                return await ReadReplyAsync() == "";
            }
            catch (IOException)
            {
                return true;
            }
        }

        public async Task StartTlsAsync()
        {
            var ssl = new SslStream(_stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync("localhost");
            _stream = ssl;
            _reader = new StreamReader(ssl, Encoding.Latin1);
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _tcp.Dispose();
        }
    }
}
