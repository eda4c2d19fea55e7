using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Signing;
using Outpost.Storage.Sqlite;

namespace Outpost.Benchmarks;

/// <summary>DKIM signing of a 10 KB message with RSA-2048 (native RSA) and Ed25519.</summary>
[MemoryDiagnoser]
public class SigningBenchmarks
{
    MessageSigner _rsa = null!;
    MessageSigner _dual = null!;
    byte[] _message = null!;
    string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "outpost-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _rsa = Make("rsa.test", ed25519: false);
        _dual = Make("dual.test", ed25519: true);
        _message = System.Text.Encoding.ASCII.GetBytes("From: alice@example.com\r\nTo: customer@remote.test\r\nSubject: Signed\r\n\r\n" +
            string.Concat(Enumerable.Repeat("A line of an ordinary business message, nothing more.\r\n", 180)));
    }

    MessageSigner Make(string domain, bool ed25519) => Signer(_dir, domain, ed25519);

    /// <summary>A signer for <paramref name="domain"/> with fresh keys under <paramref name="dir"/> (its own SQLite file there).</summary>
    public static MessageSigner Signer(string dir, string domain, bool ed25519)
    {
        var db = new SqliteDatabase(Path.Combine(dir, domain + ".db"));
        var store = new SqliteDomainDnsStore(db);
        db.WriteAsync((c, t) => { using var cmd = c.CreateCommand(); cmd.Transaction = t; cmd.CommandText = $"INSERT INTO domains VALUES ('{domain}', 'paid', 0)"; return cmd.ExecuteNonQuery(); }).GetAwaiter().GetResult();
        var keys = new DkimKeyManager(store, new DkimKeyFiles(dir), new DkimOptions { Ed25519 = ed25519 }, new FakeTimeProvider());
        keys.CreateInitialKeysAsync(domain).GetAwaiter().GetResult();
        return new MessageSigner(keys, TimeProvider.System);
    }

    [Benchmark(Description = "DKIM RSA-2048, 10 KB")]
    public int Rsa() => _rsa.SignatureFieldsAsync(new MemoryStream(_message, writable: false), "rsa.test").GetAwaiter().GetResult().Length;

    [Benchmark(Description = "DKIM RSA-2048 + Ed25519, 10 KB")]
    public int Dual() => _dual.SignatureFieldsAsync(new MemoryStream(_message, writable: false), "dual.test").GetAwaiter().GetResult().Length;

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);
}
