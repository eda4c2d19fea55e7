using Outpost.Engine.Secrets;
using Outpost.Engine.Signing;

namespace Outpost.Storage.Postgres;

/// <summary>
/// DKIM private keys in the shared database (<c>dkim_private_keys</c>), sealed with Data Protection under the key
/// ring every node shares (<see cref="PostgresKeyRing"/>), so every node signs with the same keys. The key
/// manager reads which keys are active at most every few seconds, so a key made, activated or retired on one
/// node signs (or stops) on the others within that time. Talks to: PostgreSQL, the sealer.
/// Security: the PEM is sealed before it leaves the process and opened only to make a signer; it is never
/// logged and no sentence carries it.
/// </summary>
public sealed class PostgresDkimPrivateKeys(PostgresDatabase db, SecretSealer sealer) : IDkimPrivateKeys
{
    public void Write(string domain, string selector, string pem)
    {
        using var command = db.Read(
            "INSERT INTO dkim_private_keys (domain, selector, sealed) VALUES (@domain, @selector, @sealed) " +
            "ON CONFLICT (domain, selector) DO UPDATE SET sealed = excluded.sealed");
        command.Parameters.Text("domain", domain.ToLowerInvariant()).Text("selector", selector).Text("sealed", sealer.Seal(pem, SecretKind.DkimPrivateKey));
        command.ExecuteNonQuery();
    }

    public string Read(string domain, string selector)
    {
        using var command = db.Read("SELECT sealed FROM dkim_private_keys WHERE domain = @domain AND selector = @selector");
        command.Parameters.Text("domain", domain.ToLowerInvariant()).Text("selector", selector);
        return command.ExecuteScalar() is string stored
            ? sealer.Open(stored, SecretKind.DkimPrivateKey)
            : throw new FileNotFoundException($"The DKIM private key {selector} of {domain} is not in the database.");
    }

    public void Delete(string domain, string selector)
    {
        using var command = db.Read("DELETE FROM dkim_private_keys WHERE domain = @domain AND selector = @selector");
        command.Parameters.Text("domain", domain.ToLowerInvariant()).Text("selector", selector);
        command.ExecuteNonQuery();
    }
}
