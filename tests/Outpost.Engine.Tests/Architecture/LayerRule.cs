namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// "A folder imports only folders below it": <paramref name="layers"/> lists a project's top-level folders
/// layer by layer, lowest first. Code in a folder may use types of folders in lower layers; not of a
/// higher layer, not of another folder of its own layer. A folder in no layer breaks the rule as soon as
/// it imports or is imported, so a new folder has to be given its place. A folder is the first namespace
/// segment under <paramref name="rootNamespace"/> (sub-folders belong to their folder).
/// </summary>
public sealed class LayerRule(IReadOnlyList<IReadOnlyList<string>> layers, string rootNamespace)
{
    public IReadOnlyList<IReadOnlyList<string>> Layers { get; } = layers;

    public int? LayerOf(string folder)
    {
        for (var i = 0; i < Layers.Count; i++)
            if (Layers[i].Contains(folder, StringComparer.Ordinal))
                return i + 1;
        return null;
    }

    /// <summary>The folder a namespace belongs to, or null for the root namespace itself and namespaces outside it.</summary>
    public string? FolderOf(string @namespace)
    {
        if (!@namespace.StartsWith(rootNamespace + ".", StringComparison.Ordinal))
            return null;
        return @namespace[(rootNamespace.Length + 1)..].Split('.')[0];
    }

    /// <summary>Why <paramref name="from"/> may not import <paramref name="to"/>, or null when it may.</summary>
    public string? Refusal(string from, string to)
    {
        if (from == to)
            return null;
        var (low, high) = (LayerOf(to), LayerOf(from));
        if (high is null)
            return $"{from} is in no layer";
        if (low is null)
            return $"{to} is in no layer";
        if (low == high)
            return $"{to} is in {from}'s own layer ({high}), and folders of one layer do not import each other";
        if (low > high)
            return $"{to} (layer {low}) is above {from} (layer {high})";
        return null;
    }

    /// <summary>One sentence per use of a type that breaks the rule, naming the file, the import and the types.</summary>
    public IReadOnlyList<string> Violations(IEnumerable<TypeUse> uses) =>
        uses.Select(use => (use, From: FolderOf(NamespaceOf(use.User)), To: FolderOf(NamespaceOf(use.Used))))
            .Where(u => u.To is not null)
            .Select(u => (u.use, u.From, u.To, Refusal: Refusal(u.From ?? "(the root namespace)", u.To!)))
            .Where(u => u.Refusal is not null)
            .Select(u => $"{u.use.File ?? u.use.User}: {u.From} imports {u.To} ({u.use.User} uses {u.use.Used}); {u.Refusal}.")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>One sentence per using directive that breaks the rule, naming the file, the line and the directive.</summary>
    public IReadOnlyList<string> Violations(IEnumerable<SourceImport> imports) =>
        imports.Select(i => (Import: i, From: i.File.Contains('/') ? i.File[..i.File.IndexOf('/')] : "(the project root)", To: FolderOf(i.Namespace)))
            .Where(i => i.To is not null)
            .Select(i => (i.Import, i.From, i.To, Refusal: Refusal(i.From, i.To!)))
            .Where(i => i.Refusal is not null)
            .Select(i => $"{i.Import.File}:{i.Import.Line}: {i.From} imports {i.To} (using {i.Import.Namespace}); {i.Refusal}.")
            .ToList();

    static string NamespaceOf(string fullName) => fullName[..Math.Max(0, fullName.LastIndexOf('.'))];
}
