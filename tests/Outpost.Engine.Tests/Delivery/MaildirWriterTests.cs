using Outpost.Engine.Delivery;

namespace Outpost.Engine.Tests.Delivery;

public sealed class MaildirWriterTests : IDisposable
{
    readonly TempDirectory _dir = new();

    [Fact]
    public async Task A_delivery_lands_in_new_with_its_envelope_headers_and_nothing_in_tmp()
    {
        var spoolFile = Path.Combine(_dir.Path, "m.eml");
        await File.WriteAllTextAsync(spoolFile, "Subject: hi\r\n\r\nbody\r\n");
        var writer = new MaildirWriter(_dir.Path);
        var path = await writer.DeliverAsync("bob@example.com", "alice@example.com", spoolFile);

        var maildir = Path.Combine(_dir.Path, "mailboxes", "example.com", "bob", "Maildir");
        Assert.Equal(Path.Combine(maildir, "new"), Path.GetDirectoryName(path));
        Assert.True(Directory.Exists(Path.Combine(maildir, "cur")));
        Assert.Empty(Directory.GetFiles(Path.Combine(maildir, "tmp")));
        var text = await File.ReadAllTextAsync(path);
        Assert.Equal("Return-Path: <alice@example.com>\r\nDelivered-To: bob@example.com\r\nSubject: hi\r\n\r\nbody\r\n", text);
        Assert.EndsWith($",S={text.Length}", path);
    }

    [Fact]
    public async Task A_maildir_with_only_new_made_by_hand_gets_its_other_folders()
    {
        var spoolFile = Path.Combine(_dir.Path, "m.eml");
        await File.WriteAllTextAsync(spoolFile, "Subject: hi\r\n\r\nbody\r\n");
        var writer = new MaildirWriter(_dir.Path);
        Directory.CreateDirectory(Path.Combine(writer.MaildirOf("bob@example.com"), "new"));
        var path = await writer.DeliverAsync("bob@example.com", "alice@example.com", spoolFile);
        Assert.True(File.Exists(path));
    }

    [Theory]
    [InlineData("../x@example.com")]
    [InlineData("a/b@example.com")]
    [InlineData(".hidden@example.com")]
    public void Unsafe_names_never_reach_the_file_system(string address) =>
        Assert.Throws<ArgumentException>(() => new MaildirWriter(_dir.Path).MaildirOf(address));

    public void Dispose() => _dir.Dispose();
}
