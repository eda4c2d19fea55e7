using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// A load of messages through one server's trusted-network relay listener (from 127.0.0.5, no AUTH), on
/// several connections at once, each message with a Message-ID of its own, recording which got 250 and what
/// every other reply was. A connection that breaks is opened again; a server that stays unreachable ends the
/// client after a few tries. Bounded in count and time.
/// </summary>
public sealed partial class RelayLoad(OutpostServer server, string sender, string recipient, string prefix)
{
    /// <summary>Message-IDs that got 250 (the reply beside each).</summary>
    public ConcurrentDictionary<string, string> Accepted { get; } = new(StringComparer.Ordinal);

    /// <summary>Message-IDs that got anything else: the reply, or the exception's message.</summary>
    public ConcurrentDictionary<string, string> Refused { get; } = new(StringComparer.Ordinal);

    public static string MessageIdOf(ReceivedMessage message) => MessageIdHeader().Match(message.Text) is { Success: true } m ? m.Groups[1].Value : "";

    /// <summary>Sends <paramref name="count"/> messages over <paramref name="clients"/> connections; returns when every client is done.</summary>
    public Task RunAsync(int count, int clients, TimeSpan timeout, Func<int, TimeSpan>? pauseBefore = null) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(c => ClientAsync(Enumerable.Range(0, count).Where(i => i % clients == c).ToList(), pauseBefore)))
            .WaitAsync(timeout);

    async Task ClientAsync(IReadOnlyList<int> mine, Func<int, TimeSpan>? pauseBefore)
    {
        RawSmtpClient? client = null;
        var unreachable = 0;
        try
        {
            foreach (var i in mine)
            {
                var id = $"{prefix}-{i}@load.test";
                if (pauseBefore?.Invoke(i) is { } pause && pause > TimeSpan.Zero)
                    await Task.Delay(pause);
                try
                {
                    if (client is null)
                    {
                        client = await RawSmtpClient.ConnectAsync(server.RelayPort, "127.0.0.5");
                        await client.CommandAsync("EHLO load.test");
                        unreachable = 0;
                    }
                    var reply = await SendOneAsync(client, id, i);
                    if (reply.StartsWith("250", StringComparison.Ordinal))
                        Accepted[id] = reply.Trim();
                    else
                    {
                        Refused[id] = reply.Length == 0 ? "the connection closed" : reply.Trim();
                        await client.DisposeAsync();
                        client = null;
                    }
                }
                catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or Xunit.Sdk.XunitException)
                {
                    Refused[id] = ex.Message;
                    if (client is not null)
                        await client.DisposeAsync();
                    client = null;
                    // A killed server refuses connections: after a few tries in a row this client is done.
                    if (++unreachable >= 5)
                        return;
                    await Task.Delay(100);
                }
            }
            if (client is not null)
                await client.CommandAsync("QUIT");
        }
        finally
        {
            if (client is not null)
                await client.DisposeAsync();
        }
    }

    /// <summary>One message; the reply that decides it (the first that is not a 2xx/3xx step, or the final one).</summary>
    async Task<string> SendOneAsync(RawSmtpClient client, string id, int i)
    {
        foreach (var (line, expect) in new[] { ($"MAIL FROM:<{sender}>", "250"), ($"RCPT TO:<{recipient}>", "250"), ("DATA", "354") })
        {
            var reply = await client.CommandAsync(line);
            if (!reply.StartsWith(expect, StringComparison.Ordinal))
            {
                if (reply.Length > 0)
                    await client.CommandAsync("RSET");
                return reply;
            }
        }
        await client.SendAsync(
            $"From: <{sender}>\r\nTo: <{recipient}>\r\nSubject: Weekly status report {i}\r\nMessage-ID: <{id}>\r\n\r\n" +
            $"Hello Bob,\r\n\r\nhere is the status of ticket {i}: the build is green and the review is done.\r\n\r\nRegards,\r\nAlice\r\n");
        return await client.CommandAsync(".");
    }

    [GeneratedRegex(@"^Message-ID:\s*<([^>]+)>", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdHeader();
}
