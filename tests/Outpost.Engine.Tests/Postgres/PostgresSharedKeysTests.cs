using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Outpost.Engine.Secrets;
using Outpost.Engine.Signing;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// Two nodes (two service containers, two data directories) on one database share the Data Protection key ring
/// and the DKIM private keys: what one seals the other opens, a key one writes the other reads, and neither
/// keeps a key ring in its data directory.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSharedKeysTests(PostgresFixture fixture)
{
    [Fact]
    public void Two_nodes_open_each_others_secrets_and_sign_with_the_same_dkim_keys()
    {
        using var database = fixture.NewDatabase();
        using var db = PostgresDatabase.Open(database.ConnectionString);
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        using var nodeA = Node(dirA.Path, db);
        var sealerA = nodeA.GetRequiredService<SecretSealer>();
        var sealedByA = sealerA.Seal("relay-password-1", SecretKind.RelayPassword);

        // B starts after A made the ring's first key, as a second node does.
        using var nodeB = Node(dirB.Path, db);
        var sealerB = nodeB.GetRequiredService<SecretSealer>();
        Assert.Equal("relay-password-1", sealerB.Open(sealedByA, SecretKind.RelayPassword));
        Assert.Equal("hook-secret", sealerA.Open(sealerB.Seal("hook-secret", SecretKind.WebhookSecret), SecretKind.WebhookSecret));

        const string pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+test+only+not+a+real+key+0000000000\n-----END PRIVATE KEY-----\n";
        nodeA.GetRequiredService<IDkimPrivateKeys>().Write("Example.com", "o202612r", pem);
        Assert.Equal(pem, nodeB.GetRequiredService<IDkimPrivateKeys>().Read("example.com", "o202612r"));
        nodeB.GetRequiredService<IDkimPrivateKeys>().Delete("example.com", "o202612r");
        Assert.Throws<FileNotFoundException>(() => nodeA.GetRequiredService<IDkimPrivateKeys>().Read("example.com", "o202612r"));

        // Nothing of the ring or the keys is on either node's disk.
        Assert.False(Directory.Exists(Path.Combine(dirA.Path, KeyRingDirectory.DirectoryName)));
        Assert.False(Directory.Exists(Path.Combine(dirB.Path, "dkim")));
        using var count = db.Read("SELECT count(*) FROM data_protection_keys");
        Assert.Equal(1L, (long)count.ExecuteScalar()!);
    }

    static ServiceProvider Node(string dataDirectory, PostgresDatabase db)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOutpostSecrets(dataDirectory);
        // The database belongs to the test: the container must not dispose it.
        services.AddOutpostPostgres(() => db);
        services.Replace(ServiceDescriptor.Singleton(typeof(PostgresDatabase), db));
        return services.BuildServiceProvider();
    }

}
