using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Clients that want to exhaust Outpost, against the real process: a flood of 5,000 connections from ten
/// loopback addresses, a slowloris in a command and in DATA, a client that spams bad commands, and a
/// guesser that keeps one connection for its passwords. The server has short timeouts for the test (3 s
/// per command line and before the first MAIL, 5 s per message); the per-address limit is the default, 20.
/// The test process keeps at most 5,000 sockets open, within its file-descriptor limit (the runtime raises
/// the soft limit to the hard one, 20,000 on the test machine; the test checks it has room).
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class ConnectionLimitTests(MailWorld world)
{
    const string Domain = "limits.example";

    Task<OutpostServer> ServerAsync() => world.SharedOutpostAsync("limits", Domain, new Dictionary<string, string>
    {
        ["OUTPOST__Smtp__MaxConnectionsPerAddress"] = "20",
        ["OUTPOST__Smtp__GreetingTimeout"] = "00:00:03",
        ["OUTPOST__Smtp__CommandLineTimeout"] = "00:00:03",
        ["OUTPOST__Smtp__MessageTimeout"] = "00:00:05",
    });

    [Fact]
    public async Task A_flood_of_5000_connections_from_ten_addresses_leaves_the_server_answering_others()
    {
        var server = await ServerAsync();
        Assert.True(OpenFileLimit() > 6_000, $"the test needs room for 5,000 sockets; the limit is {OpenFileLimit()}");
        var greeted = 0;
        var refused = 0;
        var closed = 0;
        var other = new ConcurrentBag<string>();
        var held = new ConcurrentBag<Socket>();
        var attempts = 0;
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(100);
        var flood = Enumerable.Range(0, 5_000).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse($"127.0.0.{20 + i % 10}"), 0));
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, server.SubmissionPort, cts.Token);
                    var buffer = new byte[512];
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                    var line = Encoding.ASCII.GetString(buffer, 0, n);
                    if (line.StartsWith("220", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref greeted);
                        held.Add(socket);
                        return;
                    }
                    if (line.StartsWith("421 4.7.0 Too many connections from your address; try again later", StringComparison.Ordinal))
                        Interlocked.Increment(ref refused);
                    else if (n == 0)
                        Interlocked.Increment(ref closed);
                    else
                        other.Add(line);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    Interlocked.Increment(ref closed);
                }
                socket.Dispose();
            }
            finally
            {
                Interlocked.Increment(ref attempts);
                gate.Release();
            }
        }).ToList();

        // While the flood is under way, a client from another address logs in and sends.
        while (Volatile.Read(ref attempts) < 1_000 && clock.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(50);
        var token = Submit.Token();
        var sent = await Swaks.RunAsync("--server", $"127.0.0.1:{server.SubmissionPort}", "--local-interface", "127.0.0.30", "--tls",
            "--auth", "PLAIN", "--auth-user", $"alice@{Domain}", "--auth-password", MailWorld.Password,
            "--from", $"alice@{Domain}", "--to", $"bob@{Domain}", "--header", $"Subject: during the flood {token}");
        var floodStillRunning = Volatile.Read(ref attempts) < 5_000;

        await Task.WhenAll(flood).WaitAsync(TimeSpan.FromMinutes(3));
        var elapsed = clock.Elapsed;
        foreach (var socket in held)
            socket.Dispose();

        Assert.True(Swaks.QueueId(sent) is not null, "the other client was not served during the flood:\n" + sent.All);
        Assert.True(floodStillRunning, "the flood ended before the other client was done; the test proved nothing");
        Assert.Empty(other);
        // Each address holds at most 20 at a time, and a silent one is cut off after 3 s: that bounds the greetings.
        var bound = 10 * 20 * ((int)Math.Ceiling(elapsed.TotalSeconds / 3) + 1);
        Assert.True(greeted <= bound, $"{greeted} flood connections were greeted in {elapsed}; at most {bound} may be");
        Assert.True(refused >= 5_000 - bound - closed && refused > 0, $"greeted {greeted}, refused {refused}, closed {closed} in {elapsed}");
        await Eventually.GetAsync(() => server.MailboxFiles($"bob@{Domain}").FirstOrDefault(f => File.ReadAllText(f).Contains(token)), "the message sent during the flood");
    }

    [Fact]
    public async Task A_slowloris_command_is_cut_off_by_the_line_deadline()
    {
        var server = await ServerAsync();
        await using var client = await RawSmtpClient.ConnectAsync(server.SubmissionPort, "127.0.0.40");
        var clock = Stopwatch.StartNew();
        var reply = Task.Run(client.ReadReplyAsync);
        foreach (var b in "EHLO slow.client.test")
        {
            if (reply.IsCompleted || clock.Elapsed > TimeSpan.FromSeconds(15))
                break;
            try
            {
                await client.SendAsync(b.ToString());
            }
            catch (IOException)
            {
                break;
            }
            await Task.Delay(1000);
        }
        Assert.StartsWith("421 4.4.2 Timeout; closing the connection", await reply);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task A_slowloris_message_is_cut_off_by_the_message_deadline_and_nothing_is_stored()
    {
        var server = await ServerAsync();
        var spool = Path.Combine(server.DataDirectory, "spool");
        var before = server.MailboxFiles($"bob@{Domain}").Count;
        await using var client = await RawSmtpClient.ConnectAsync(server.RelayPort, "127.0.0.5");
        Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<bob@{Domain}>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var clock = Stopwatch.StartNew();
        var reply = Task.Run(client.ReadReplyAsync);
        await client.SendAsync("Subject: trickle\r\n\r\n");
        for (var i = 0; i < 30 && !reply.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(20); i++)
        {
            try
            {
                await client.SendAsync($"line {i}\r\n");
            }
            catch (IOException)
            {
                break;
            }
            await Task.Delay(1000);
        }
        Assert.StartsWith("421 4.4.2 The message took too long to arrive; closing the connection", await reply);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(Directory.GetFiles(spool), f => File.ReadAllText(f).Contains("Subject: trickle"));
        Assert.Equal(before, server.MailboxFiles($"bob@{Domain}").Count);
    }

    [Fact]
    public async Task A_client_spamming_bad_commands_is_closed_after_ten()
    {
        var server = await ServerAsync();
        await using var client = await RawSmtpClient.ConnectAsync(server.SubmissionPort, "127.0.0.41");
        for (var i = 0; i < 10; i++)
            Assert.StartsWith("500 5.5.2 Command not recognized", await client.CommandAsync($"XYZZY {i}"));
        var replies = await client.CommandAsync("XYZZY 10");
        Assert.StartsWith("421 4.7.0 Too many errors; closing the connection", replies);
        Assert.Equal("", await client.ReadToCloseAsync());
    }

    [Fact]
    public async Task A_guesser_on_one_connection_is_closed_after_three_failed_logins()
    {
        var server = await ServerAsync();
        using var client = new MailKit.Net.Smtp.SmtpClient { LocalEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.42"), 0) };
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        await client.ConnectAsync("127.0.0.1", server.SubmissionPort, MailKit.Security.SecureSocketOptions.StartTls);
        var failures = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            try
            {
                await client.AuthenticateAsync(new MailKit.Security.SaslMechanismPlain($"alice@{Domain}", "guess-" + i));
                Assert.Fail("a wrong password was taken");
            }
            catch (Exception ex) when (ex is MailKit.Security.AuthenticationException or MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException)
            {
                failures.Add(ex.Message);
            }
        }
        Assert.Contains("5.7.8 Authentication failed", failures[0]);
        Assert.Contains("Too many failed logins on this connection; closing it", failures[2]);
        await Assert.ThrowsAnyAsync<Exception>(() => client.NoOpAsync());
    }

    static long OpenFileLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], System.Globalization.CultureInfo.InvariantCulture);
        return 0;
    }
}
