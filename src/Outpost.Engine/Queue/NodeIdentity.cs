using System.Security.Cryptography;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Queue;

/// <summary>
/// The name of this node, which every lease it takes carries: on start a node releases only the leases
/// that bear its own name, so it never takes work from a live node sharing the database. Configured as
/// <c>Storage:NodeId</c>, or made once from the host name and a random suffix and kept in the data
/// directory, so that the same node after a restart (or a crash) recognises its leases. Two nodes
/// must never share a name: the suffix keeps two machines with the same host name apart, and the data
/// directory's lock keeps two processes off one directory.
/// </summary>
public sealed record NodeIdentity
{
    public const string FileName = "node-id";

    public NodeIdentity(string id)
    {
        if (!StorageOptions.IsNodeId(id))
            throw new ArgumentException($"'{id}' is not a node name; use 1 to {StorageOptions.LongestNodeId} letters, digits, '.', '-' or '_'.", nameof(id));
        Id = id;
    }

    public string Id { get; }

    public override string ToString() => Id;

    /// <summary>The configured name, else the one kept in <paramref name="dataDirectory"/>, else a new one written there.</summary>
    public static NodeIdentity Resolve(StorageOptions options, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.NodeId))
            return new NodeIdentity(options.NodeId.Trim());
        var path = Path.Combine(dataDirectory, FileName);
        if (Read(path) is { } kept)
            return kept;
        Directory.CreateDirectory(dataDirectory);
        // Written aside and moved into place without overwriting: two processes starting at once agree on
        // whichever name landed first.
        var made = Make(Environment.MachineName);
        var temporary = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllText(temporary, made.Id + "\n");
        try
        {
            File.Move(temporary, path, overwrite: false);
            return made;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return Read(path) ?? throw new InvalidOperationException($"{path} does not hold a node name; delete it or set Storage:NodeId.");
        }
    }

    /// <summary>The host name cut to what a node name may hold, a dash, and six random hex digits.</summary>
    public static NodeIdentity Make(string hostName)
    {
        var host = new string(hostName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_').Take(StorageOptions.LongestNodeId - 7).ToArray());
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        return new NodeIdentity(host.Length == 0 ? "node-" + suffix : host + "-" + suffix);
    }

    static NodeIdentity? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        var text = File.ReadAllText(path).Trim();
        return StorageOptions.IsNodeId(text)
            ? new NodeIdentity(text)
            : throw new InvalidOperationException($"{path} does not hold a node name; delete it or set Storage:NodeId.");
    }
}
