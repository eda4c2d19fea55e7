using System.Security.Cryptography;
using System.Text;

namespace Outpost.Engine.Secrets;

/// <summary>
/// The format webhook secrets were sealed in before the Data Protection key ring (<see cref="SecretSealer"/>):
/// kept so that the sealer can open old values and seal them again on the first start of a newer version.
/// AES-256-GCM under one key kept in <c>&lt;data&gt;/secret.key</c> — 32 random bytes,
/// readable by Outpost's user only, made on first use. A sealed value is <c>sb1:</c> and the base64 of
/// nonce (12 bytes), ciphertext and tag (16 bytes); the purpose ("webhook-secret") is bound in as
/// associated data, so a value sealed for one use does not open for another.
/// Talks to: the file system (the key file). Security: the key never leaves this type and is never
/// logged; a database copied without the key file yields no secret; a value that was changed fails to
/// open (GCM's tag) instead of opening to something else. Losing the key file loses the sealed secrets:
/// back it up with the database.
/// </summary>
public sealed class SecretBox
{
    public const string KeyFileName = "secret.key";
    const string Prefix = "sb1:";
    const int KeySize = 32, NonceSize = 12, TagSize = 16;

    readonly string _path;
    readonly Lazy<byte[]> _key;

    public SecretBox(string dataDirectory)
    {
        _path = Path.Combine(Path.GetFullPath(dataDirectory), KeyFileName);
        _key = new Lazy<byte[]>(LoadOrCreate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The key file's path (for the operator's backup instructions).</summary>
    public string KeyPath => _path;

    public string Seal(string plaintext, string purpose)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key.Value, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), Encoding.UTF8.GetBytes(purpose));
        CryptographicOperations.ZeroMemory(plain);
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plaintext of a value <see cref="Seal"/> made for the same purpose; a <see cref="CryptographicException"/> with a sentence otherwise.</summary>
    public string Open(string sealedText, string purpose)
    {
        byte[] bytes;
        try
        {
            bytes = sealedText.StartsWith(Prefix, StringComparison.Ordinal) ? Convert.FromBase64String(sealedText[Prefix.Length..]) : [];
        }
        catch (FormatException)
        {
            bytes = [];
        }
        if (bytes.Length < NonceSize + TagSize)
            throw new CryptographicException("A stored secret is not a value Outpost sealed.");
        var length = bytes.Length - NonceSize - TagSize;
        var plain = new byte[length];
        try
        {
            using var aes = new AesGcm(_key.Value, TagSize);
            aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize, length), bytes.AsSpan(NonceSize + length), plain, Encoding.UTF8.GetBytes(purpose));
            return Encoding.UTF8.GetString(plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"A stored secret does not open with the key in {_path}: the key file was replaced, or the value was changed.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    byte[] LoadOrCreate()
    {
        if (!File.Exists(_path))
            Create();
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(_path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            // A copy restored with a loose mode is tightened rather than used as it is or refused.
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var key = File.ReadAllBytes(_path);
        if (key.Length != KeySize)
            throw new CryptographicException($"The key file {_path} is not a key Outpost made ({KeySize} bytes); restore it from the backup taken with the database.");
        return key;
    }

    /// <summary>
    /// Writes the new key beside the final name and links it into place, so two processes starting at
    /// once (serve and a command) both end up with the same key: the second link fails and that process
    /// reads the first one's file.
    /// </summary>
    void Create()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = $"{_path}.{Guid.NewGuid():N}.tmp";
        var key = RandomNumberGenerator.GetBytes(KeySize);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(temporary, options))
            {
                file.Write(key);
                file.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temporary, _path, overwrite: false);
            }
            catch (IOException) when (File.Exists(_path))
            {
                // Another process made it first: use that one.
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temporary);
        }
    }
}
