using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;

namespace Outpost.Engine.Tests.Domains;

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

    [Fact]
    public async Task Rsa_and_ed25519_signatures_verify_and_from_is_oversigned()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.com"));
        message.To.Add(MailboxAddress.Parse("friend@remote.test"));
        message.Subject = "Grüße";
        message.Body = new TextPart("plain") { Text = "Hello\n.dot line\n" };

        var signer = new MessageSigner(_engine.Dkim);
        Assert.Equal(2, await signer.SignAsync(message, "example.com"));

        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        Assert.Equal(2, signatures.Count);
        Assert.Contains("a=rsa-sha256", signatures[0].Value);
        Assert.Contains("a=ed25519-sha256", signatures[1].Value);
        Assert.Matches(@"h=from:to:subject:[^;]*:from", signatures[0].Value.Replace(" ", "").Replace("\t", "").Replace("\r\n", "").ToLowerInvariant());

        var verifier = new DkimVerifier(new Locator((await _engine.Verifier.ReportAsync("example.com")).Records));
        foreach (var header in signatures)
            Assert.True(await verifier.VerifyAsync(message, header));

        message.Subject = "changed";
        Assert.False(await verifier.VerifyAsync(message, signatures[0]));
    }

    [Fact]
    public async Task A_domain_without_keys_is_not_signed()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("x@other.test"));
        message.Body = new TextPart("plain") { Text = "x" };
        Assert.Equal(0, await new MessageSigner(_engine.Dkim).SignAsync(message, "other.test"));
    }
}
