using Outpost.Scenarios.Infrastructure;
using Xunit.Abstractions;

namespace Outpost.Scenarios;

/// <summary>
/// DATA streams to disk: 40 clients at once each send a 5 MB message (200 MB in all) and the server's resident
/// memory, sampled every 50 ms, grows by far less than the messages. A server that held messages in memory
/// would grow by at least the messages in flight. (bench/memory.sh runs the same with 200 × 25 MB.)
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class MemoryTests(MailWorld world, ITestOutputHelper output)
{
    const int Clients = 40;
    const int Megabytes = 5;

    [Fact]
    public async Task Forty_concurrent_5_mb_submissions_keep_the_server_s_memory_bounded()
    {
        var server = world.Outpost;
        var pid = server.ProcessId ?? throw new InvalidOperationException("the server is not running");
        var token = Submit.Token();
        var before = Rss(pid);
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss(pid));
                await Task.Delay(50);
            }
        });

        var line = new string('m', 998) + "\r\n";
        var block = string.Concat(Enumerable.Repeat(line, 1024));
        var sends = Enumerable.Range(0, Clients).Select(async i =>
        {
            await using var client = await RawSmtpClient.ConnectAsync(server.RelayPort, "127.0.0.5");
            Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
            Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
            Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
            Assert.StartsWith("354", await client.CommandAsync("DATA"));
            await client.SendAsync($"From: app@example.com\r\nSubject: memory {token} {i}\r\n\r\n");
            for (var kb = 0; kb < Megabytes * 1024; kb += 1000)
                await client.SendAsync(block);
            return await client.CommandAsync(".");
        }).ToList();
        var replies = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromMinutes(5));
        await stop.CancelAsync();
        await sampler;

        Assert.All(replies, r => Assert.StartsWith("250 2.0.0 Ok: queued as", r));
        // Delivered, then removed: other tests read bob's mailbox, and 200 MB more would slow every one of them.
        var delivered = await Eventually.GetAsync(() =>
        {
            var mine = server.MailboxFiles("bob@example.com").Where(f => Head(f).Contains(token)).ToList();
            return mine.Count == Clients ? mine : null;
        }, "every large message in bob's mailbox", TimeSpan.FromMinutes(2));
        foreach (var file in delivered)
            File.Delete(file);
        var growth = (peak - before) / (1024 * 1024);
        // 200 MB went through; the bound leaves room for buffers, threads and the garbage collector's slack.
        Assert.True(growth < 120, $"resident memory grew by {growth} MB (from {before / (1024 * 1024)} MB to {peak / (1024 * 1024)} MB) for {Clients} × {Megabytes} MB");
        output.WriteLine($"memory: {Clients} × {Megabytes} MB at once: RSS {before / (1024 * 1024)} MB before, peak {peak / (1024 * 1024)} MB (+{growth} MB)");
    }

    static string Head(string path)
    {
        using var file = File.OpenRead(path);
        var buffer = new byte[4096];
        return System.Text.Encoding.Latin1.GetString(buffer, 0, file.Read(buffer));
    }

    /// <summary>The process's resident set in bytes, from /proc.</summary>
    static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
