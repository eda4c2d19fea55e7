using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;

namespace Outpost.Engine.Tests.Signing;

public sealed class MessageSignerTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();

    public async Task InitializeAsync()
    {
        _engine.Options.Dkim.Ed25519 = true;
        await _engine.SeedAsync();
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>Answers key lookups from the records Outpost asked the domain to publish.</summary>
    sealed class Locator(IReadOnlyList<RecordCheck> records) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey(records.Single(r => r.Name == $"{selector}._domainkey.{domain}").Value);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }

    /// <summary>What a receiver gets: the signature fields in front of the bytes that were signed, parsed by MimeKit.</summary>
    async Task<(MimeMessage Received, int Signatures)> SignAsync(byte[] raw, string domain)
    {
        var fields = await new MessageSigner(_engine.Dkim, TimeProvider.System).SignatureFieldsAsync(new MemoryStream(raw), domain);
        var received = MimeMessage.Load(new MemoryStream([.. fields, .. raw]));
        return (received, received.Headers.Count(h => h.Id == HeaderId.DkimSignature));
    }

    static byte[] Wire(MimeMessage message)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        using var bytes = new MemoryStream();
        message.WriteTo(options, bytes);
        return bytes.ToArray();
    }

    [Fact]
    public async Task Rsa_and_ed25519_signatures_verify_and_from_is_oversigned()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.com"));
        message.To.Add(MailboxAddress.Parse("friend@remote.test"));
        message.Subject = "Grüße";
        message.Body = new TextPart("plain") { Text = "Hello\n.dot line\n" };

        var (received, count) = await SignAsync(Wire(message), "example.com");
        Assert.Equal(2, count);

        var signatures = received.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        Assert.Equal(2, signatures.Count);
        Assert.Contains("a=rsa-sha256", signatures[0].Value);
        Assert.Contains("a=ed25519-sha256", signatures[1].Value);
        Assert.Matches(@"h=from:to:subject:[^;]*:from", signatures[0].Value.Replace(" ", "").Replace("\t", "").Replace("\r\n", "").ToLowerInvariant());

        var verifier = new DkimVerifier(new Locator((await _engine.Verifier.ReportAsync("example.com")).Records));
        foreach (var header in signatures)
            Assert.True(await verifier.VerifyAsync(received, header));

        received.Subject = "changed";
        Assert.False(await verifier.VerifyAsync(received, signatures[0]));
    }

    public static TheoryData<string> Bodies => new()
    {
        "Subject: folded\r\n  over two lines\r\nFrom: Alice <alice@example.com>\r\nTo: bob@remote.test\r\n\r\nplain text\r\n",
        "From: alice@example.com\r\nSubject: spaces\r\n\r\ntrailing spaces   \r\n\ttabs\t and  runs \t of  space\r\n\r\n\r\n\r\n",
        "From: alice@example.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln, 你好\r\n.leading dot\r\n",
        "From: alice@example.com\r\nSubject: no final line end\r\n\r\nlast line without CRLF",
        "From: alice@example.com\r\nSubject: empty body\r\n\r\n",
        "From: alice@example.com\r\nTo: a@remote.test, b@remote.test\r\nCc: c@remote.test\r\nSubject: attachment\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
        "--b1\r\nContent-Type: application/octet-stream; name=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAwQFBgcICQ==\r\n--b1--\r\n",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Signatures_of_spool_bytes_verify_with_an_independent_verifier(string raw)
    {
        var (received, count) = await SignAsync(System.Text.Encoding.UTF8.GetBytes(raw), "example.com");
        Assert.Equal(2, count);
        var verifier = new DkimVerifier(new Locator((await _engine.Verifier.ReportAsync("example.com")).Records));
        foreach (var header in received.Headers.Where(h => h.Id == HeaderId.DkimSignature))
            Assert.True(await verifier.VerifyAsync(received, header), header.Value);
    }

    [Fact]
    public async Task A_domain_without_keys_is_not_signed()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("x@other.test"));
        message.Body = new TextPart("plain") { Text = "x" };
        Assert.Empty(await new MessageSigner(_engine.Dkim, TimeProvider.System).SignatureFieldsAsync(new MemoryStream(Wire(message)), "other.test"));
    }
}
