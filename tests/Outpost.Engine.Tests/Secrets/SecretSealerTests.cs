using System.Security.Cryptography;
using Outpost.Engine.Secrets;

namespace Outpost.Engine.Tests.Secrets;

/// <summary>
/// Secrets sealed with the data directory's key ring open again in another process over the same ring, only
/// for their kind, and not with another ring; old formats open so that they can be sealed again; the ring's
/// directory and files are Outpost's user's alone.
/// </summary>
public sealed class SecretSealerTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_sealed_secret_opens_in_another_process_over_the_same_key_ring_and_only_for_its_kind()
    {
        var sealedText = TestSecrets.Sealer(_dir.Path).Seal("relay-secret-1", SecretKind.RelayPassword);
        Assert.StartsWith(SecretSealer.Prefix, sealedText);
        Assert.True(SecretSealer.IsCurrent(sealedText));
        Assert.DoesNotContain("relay-secret-1", sealedText);

        var other = TestSecrets.Sealer(_dir.Path);
        Assert.Equal("relay-secret-1", other.Open(sealedText, SecretKind.RelayPassword));
        Assert.Throws<CryptographicException>(() => other.Open(sealedText, SecretKind.WebhookSecret));

        var changed = sealedText[..^2] + (sealedText[^2] == 'A' ? 'B' : 'A') + sealedText[^1];
        Assert.Throws<CryptographicException>(() => other.Open(changed, SecretKind.RelayPassword));

        using var elsewhere = new TempDirectory();
        var error = Assert.Throws<CryptographicException>(() => TestSecrets.Sealer(elsewhere.Path).Open(sealedText, SecretKind.RelayPassword));
        Assert.Contains("does not open with the key ring in", error.Message);
        Assert.DoesNotContain("relay-secret-1", error.Message);
    }

    [Fact]
    public void The_key_ring_is_readable_by_its_owner_only()
    {
        TestSecrets.Sealer(_dir.Path).Seal("x", SecretKind.WebhookSecret);
        var ring = Path.Combine(_dir.Path, KeyRingDirectory.DirectoryName);
        var files = Directory.GetFiles(ring);
        var key = Assert.Single(files);
        Assert.EndsWith(".xml", key);
        if (OperatingSystem.IsWindows())
            return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(ring));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));

        // A copy restored with loose modes is tightened when the ring is read.
        File.SetUnixFileMode(key, (UnixFileMode)Convert.ToInt32("644", 8));
        File.SetUnixFileMode(ring, (UnixFileMode)Convert.ToInt32("755", 8));
        TestSecrets.Sealer(_dir.Path).Seal("y", SecretKind.WebhookSecret);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(ring));
    }

    [Fact]
    public void Old_formats_open_so_that_they_can_be_sealed_again()
    {
        var sealer = TestSecrets.Sealer(_dir.Path);
        Assert.Equal("old-password", sealer.Open(SecretSealer.PlainPrefix + "old-password", SecretKind.RelayPassword));
        var boxed = new SecretBox(_dir.Path).Seal("whsec_old", "webhook-secret");
        Assert.False(SecretSealer.IsCurrent(boxed));
        Assert.Equal("whsec_old", sealer.Open(boxed, SecretKind.WebhookSecret));
        Assert.Throws<CryptographicException>(() => sealer.Open("not sealed at all", SecretKind.RelayPassword));
    }
}
