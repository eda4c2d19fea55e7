using System.Security.Cryptography;
using Outpost.Engine.Secrets;

namespace Outpost.Engine.Tests.Secrets;

/// <summary>Sealed secrets open only with the data directory's key and for the purpose they were sealed for; the key file is made once, readable by its owner only.</summary>
public sealed class SecretBoxTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_sealed_secret_opens_again_in_another_process_with_the_same_key_file()
    {
        var sealedText = new SecretBox(_dir.Path).Seal("whsec_abc", "webhook-secret");
        Assert.StartsWith("sb1:", sealedText);
        Assert.DoesNotContain("whsec_abc", sealedText);
        Assert.NotEqual(sealedText, new SecretBox(_dir.Path).Seal("whsec_abc", "webhook-secret")); // a fresh nonce each time
        Assert.Equal("whsec_abc", new SecretBox(_dir.Path).Open(sealedText, "webhook-secret"));

        var key = Path.Combine(_dir.Path, SecretBox.KeyFileName);
        Assert.Equal(32, new FileInfo(key).Length);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void A_value_for_another_purpose_a_changed_value_or_another_key_does_not_open()
    {
        var box = new SecretBox(_dir.Path);
        var sealedText = box.Seal("relay-password", "relay-password");
        Assert.Throws<CryptographicException>(() => box.Open(sealedText, "webhook-secret"));

        var bytes = Convert.FromBase64String(sealedText[4..]);
        bytes[^1] ^= 1;
        Assert.Throws<CryptographicException>(() => box.Open("sb1:" + Convert.ToBase64String(bytes), "relay-password"));
        Assert.Throws<CryptographicException>(() => box.Open("plain text", "relay-password"));

        using var other = new TempDirectory();
        var error = Assert.Throws<CryptographicException>(() => new SecretBox(other.Path).Open(sealedText, "relay-password"));
        Assert.Contains("does not open with the key in", error.Message);
    }

    [Fact]
    public void Boxes_starting_at_once_agree_on_one_key()
    {
        var sealedTexts = Enumerable.Range(0, 8).AsParallel().Select(i => new SecretBox(_dir.Path).Seal($"s{i}", "p")).ToList();
        var box = new SecretBox(_dir.Path);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"s{i}"), sealedTexts.Select(s => box.Open(s, "p")));
    }

    [Fact]
    public void A_key_file_that_is_not_a_key_is_refused_with_a_sentence()
    {
        File.WriteAllText(Path.Combine(_dir.Path, SecretBox.KeyFileName), "hello");
        var error = Assert.Throws<CryptographicException>(() => new SecretBox(_dir.Path).Seal("x", "p"));
        Assert.Contains("is not a key Outpost made", error.Message);
    }
}
