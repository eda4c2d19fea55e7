using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The database's file system runs full (issue 18, item 3): the data directory, and with it outpost.db and its
/// WAL, is a 24 MB tmpfs of its own; the spool and the mailboxes are links to the normal disk, so only the
/// database runs out. A real mount rather than SQLite's max_page_count: a full disk fails the WAL's writes
/// and the checkpoint as an operator's disk does, which a page limit would not. Once the tmpfs is filled,
/// submissions get 451 4.3.0 with one sentence (never 250 for a message not committed, never silence), the
/// refused message leaves no spool file, nothing that got 250 is lost, and once space returns the server
/// takes and delivers mail again without a restart.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class DatabaseFullTests(MailWorld world) : IAsyncLifetime
{
    const string Domain = "dbfull.example";
    const string Full = "451 4.3.0 The queue database is out of space; the message was not accepted, please try again later";
    readonly string _data = Path.Combine(world.Directory, "dbfull");
    readonly string _spool = Path.Combine(world.Directory, "dbfull-spool");
    readonly string _mailboxes = Path.Combine(world.Directory, "dbfull-mailboxes");
    OutpostServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        Directory.CreateDirectory(_spool);
        Directory.CreateDirectory(_mailboxes);
        Assert.Null(TmpfsFactAttribute.Run("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "tmpfs", _data));
        Directory.CreateSymbolicLink(Path.Combine(_data, "spool"), _spool);
        Directory.CreateSymbolicLink(Path.Combine(_data, "mailboxes"), _mailboxes);
        // A local delivery whose outcome could not be stored is taken again when its lease runs out: 5 s here.
        _server = await world.StartOutpostAsync("dbfull", Domain, new Dictionary<string, string> { ["OUTPOST__Storage__LeaseTime"] = "00:00:05" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TmpfsFactAttribute.Run("umount", _data);
    }

    /// <summary>Fills the tmpfs to the last byte.</summary>
    void Fill()
    {
        using var file = new FileStream(Path.Combine(_data, "filler"), FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var block = new byte[64 * 1024];
        try
        {
            for (var i = 0; i < 24 * 16; i++)
                file.Write(block);
        }
        catch (IOException)
        {
            // The disk is full: that was the point.
        }
        var small = new byte[512];
        for (var i = 0; i < 128; i++)
        {
            try
            {
                file.Write(small);
            }
            catch (IOException)
            {
                break;
            }
        }
    }

    async Task<string> SendAsync(string subject)
    {
        await using var client = await RawSmtpClient.ConnectAsync(_server.RelayPort, "127.0.0.5");
        Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<bob@{Domain}>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var end = (await client.CommandAsync($"From: app@example.com\r\nSubject: {subject}\r\n\r\n{new string('x', 900)}\r\n.")).Trim();
        await client.CommandAsync("QUIT");
        return end;
    }

    Task<string> DeliveredAsync(string token) =>
        Eventually.GetAsync(() => _server.MailboxFiles($"bob@{Domain}").FirstOrDefault(f => File.ReadAllText(f).Contains(token)), $"{token} in bob's Maildir",
            TimeSpan.FromSeconds(45));

    [TmpfsFact]
    public async Task A_full_database_gets_451_loses_nothing_accepted_and_recovers_when_space_returns()
    {
        var before = "before " + Submit.Token();
        Assert.StartsWith("250 2.0.0 Ok: queued as", await SendAsync(before));
        await DeliveredAsync(before);

        Fill();
        // The WAL may still have room of its own for a few commits: they are durable and count as accepted.
        var accepted = new List<string>();
        string? refused = null;
        for (var i = 0; i < 200 && refused is null; i++)
        {
            var token = "during " + Submit.Token();
            var reply = await SendAsync(token);
            if (reply.StartsWith("250 2.0.0 Ok: queued as", StringComparison.Ordinal))
                accepted.Add(token);
            else
            {
                Assert.Equal(Full, reply);
                refused = token;
            }
        }
        Assert.True(refused is not null, $"200 messages were accepted into a full database ({accepted.Count})");
        Assert.DoesNotContain(Directory.GetFiles(_spool), f => File.ReadAllText(f).Contains(refused!));

        // Space returns: the next submission is taken and delivered, without a restart; so is everything accepted before.
        File.Delete(Path.Combine(_data, "filler"));
        var after = "after " + Submit.Token();
        Assert.StartsWith("250 2.0.0 Ok: queued as", await SendAsync(after));
        await DeliveredAsync(after);
        foreach (var token in accepted)
            await DeliveredAsync(token);
        Assert.DoesNotContain(_server.MailboxFiles($"bob@{Domain}"), f => File.ReadAllText(f).Contains(refused!));

        var refusals = await _server.CliAsync("log", "--refusals", "--json");
        Assert.True(refusals.ExitCode == 0, refusals.All);
        Assert.DoesNotContain("Unhandled exception", _server.Log);
    }
}
