using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The spool's file system runs full: the spool is an 8 MB tmpfs of its own (data/spool is a link to it, the
/// database stays on the normal disk), with a 2 MB reserve. Below the reserve MAIL is answered 452 4.3.1; a
/// message that does not fit fails its write and gets 452 4.3.1 at the end of DATA, never 250, and leaves no
/// file; mail that fits is still taken and delivered; once space returns, sending works again.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class DiskFullTests(MailWorld world) : IAsyncLifetime
{
    const string Domain = "diskfull.example";
    readonly string _mount = Path.Combine(world.Directory, "diskfull-spool");
    OutpostServer _server = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_mount);
        Assert.Null(TmpfsFactAttribute.Run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", _mount));
        var data = Path.Combine(world.Directory, "diskfull");
        Directory.CreateDirectory(data);
        Directory.CreateSymbolicLink(Path.Combine(data, "spool"), _mount);
        _server = await world.StartOutpostAsync("diskfull", Domain, new Dictionary<string, string> { ["OUTPOST__Smtp__MinFreeSpace"] = "2097152" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        TmpfsFactAttribute.Run("umount", _mount);
    }

    IEnumerable<string> SpoolMessages() => Directory.GetFiles(_mount).Where(f => !Path.GetFileName(f).StartsWith("filler", StringComparison.Ordinal));

    void Fill(string name, int megabytes)
    {
        using var file = File.Create(Path.Combine(_mount, name));
        var block = new byte[1024 * 1024];
        for (var i = 0; i < megabytes; i++)
            file.Write(block);
    }

    async Task<(string Mail, string End)> SendAsync(string subject, int kilobytes)
    {
        await using var client = await RawSmtpClient.ConnectAsync(_server.RelayPort, "127.0.0.5");
        Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
        var mail = await client.CommandAsync("MAIL FROM:<app@example.com>");
        if (!mail.StartsWith("250", StringComparison.Ordinal))
            return (mail, "");
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<bob@{Domain}>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync($"From: app@example.com\r\nSubject: {subject}\r\n\r\n");
        var line = new string('x', 998) + "\r\n";
        var chunk = string.Concat(Enumerable.Repeat(line, 64));
        for (var i = 0; i < kilobytes / 64; i++)
            await client.SendAsync(chunk);
        var end = await client.CommandAsync(".");
        await client.CommandAsync("QUIT");
        return (mail, end);
    }

    [TmpfsFact]
    public async Task A_full_spool_gets_452_at_mail_or_at_the_end_of_data_never_250_and_sending_resumes_when_space_returns()
    {
        Fill("filler-1", 4);

        // 6 MB into the 4 MB left: MAIL is taken (above the reserve), the write fails, the end of DATA says so.
        var big = await SendAsync("too big for the disk " + Submit.Token(), 6 * 1024);
        Assert.StartsWith("250", big.Mail);
        Assert.StartsWith("452 4.3.1 Not enough disk space to accept mail now; try again later", big.End);
        Assert.Empty(SpoolMessages());

        // What fits is still taken and delivered.
        var fits = "fits " + Submit.Token();
        var small = await SendAsync(fits, 128);
        Assert.StartsWith("250 2.0.0 Ok: queued as", small.End);
        await Eventually.GetAsync(() => _server.MailboxFiles($"bob@{Domain}").FirstOrDefault(f => File.ReadAllText(f).Contains(fits)), "the message that fitted");

        // Below the reserve: refused at MAIL, before any data is sent.
        Fill("filler-2", 3);
        var refused = await SendAsync("below the reserve " + Submit.Token(), 4);
        Assert.StartsWith("452 4.3.1 Not enough disk space to accept mail now; try again later", refused.Mail);
        Assert.Empty(SpoolMessages());

        // Space returns: sending works again, without a restart.
        File.Delete(Path.Combine(_mount, "filler-1"));
        File.Delete(Path.Combine(_mount, "filler-2"));
        var again = "space again " + Submit.Token();
        var resumed = await SendAsync(again, 1024);
        Assert.StartsWith("250 2.0.0 Ok: queued as", resumed.End);
        await Eventually.GetAsync(() => _server.MailboxFiles($"bob@{Domain}").FirstOrDefault(f => File.ReadAllText(f).Contains(again)), "the message after space returned");

        var refusals = await _server.CliAsync("log", "--refusals", "--json");
        Assert.Contains("Not enough disk space", refusals.All);
    }
}
