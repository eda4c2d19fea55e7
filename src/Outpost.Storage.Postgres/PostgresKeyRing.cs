using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The Data Protection key ring in the shared database (<c>data_protection_keys</c>), the standard way to share a
/// ring (an <see cref="IXmlRepository"/> over a table): every node reads the same keys, so a relay password or a
/// webhook secret sealed on one node opens on every other, and so do the DKIM keys sealed with it. The key
/// manager writes a new key once and never changes it; two nodes that make one at the same moment both keep
/// theirs (each row is its own key) and either opens what the other sealed.
/// Security: the keys are stored as the key manager gives them (unencrypted XML), as they are in the files of
/// <c>&lt;data&gt;/keys</c>: the database's access rules and its backups guard them, so a dump of the database
/// opens its sealed secrets; keep dumps as safe as the server (docs/SCALING.md).
/// </summary>
public sealed class PostgresKeyRing(PostgresDatabase db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = db.Read("SELECT xml FROM data_protection_keys ORDER BY name COLLATE \"C\"");
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
            keys.Add(XElement.Parse(reader.GetString(0)));
        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // The key manager names keys "key-<guid>"; a name taken already keeps its first value.
        var name = friendlyName.Length > 0 ? friendlyName : Guid.NewGuid().ToString("N");
        using var command = db.Read("INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING");
        command.Parameters.Text("name", name).Text("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
