namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The data directory's own labelled examples (<c>&lt;data&gt;/policy/corpus/&lt;label&gt;/&lt;id&gt;.eml</c>):
/// messages an operator labelled (<c>outpost policy label</c>) and every review decision. Retraining
/// reads them beside the shipped corpus. A message labelled again moves to its new label's folder.
/// </summary>
public static class LocalCorpus
{
    public static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "policy", "corpus");

    /// <summary>Copies a message into the local corpus under <paramref name="label"/>; returns where it went.</summary>
    public static string Add(string dataDirectory, string id, string label, string messageFile)
    {
        using var content = File.OpenRead(messageFile);
        return Add(dataDirectory, id, label, content);
    }

    /// <summary>Adds an example from a stream (a body from the body store, which may be in the database).</summary>
    public static string Add(string dataDirectory, string id, string label, Stream content)
    {
        if (!ContentLabels.IsKnown(label))
            throw new ArgumentException($"'{label}' is not a label; the labels are {string.Join(", ", ContentLabels.All)}.");
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException("An example's name is letters, digits, '-', '_' and '.' only.");
        var folder = Folder(dataDirectory);
        // File.Delete throws for a folder that does not exist yet (the first example of a label), so look first.
        foreach (var other in ContentLabels.All.Where(l => l != label))
            if (File.Exists(Path.Combine(folder, other, id + ".eml")))
                File.Delete(Path.Combine(folder, other, id + ".eml"));
        var target = Path.Combine(folder, label, id + ".eml");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using (var copy = File.Create(target + ".tmp"))
            content.CopyTo(copy);
        File.Move(target + ".tmp", target, overwrite: true);
        return target;
    }
}
