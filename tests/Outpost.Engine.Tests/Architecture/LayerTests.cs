using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// The Engine keeps its layers (docs/ARCHITECTURE.md, "Layers"): no folder imports a folder above it or
/// beside it, judged from the compiled Engine (every type it references, however the source spelt it) and
/// from its sources' using directives; every file's namespace is its folder's, so no file can step out of
/// its layer by declaring another; and the table names exactly the folders there are.
/// </summary>
public class LayerTests
{
    const string Root = "Outpost.Engine";

    static readonly LayerRule Rule = new(LayerTable.Parse(File.ReadAllText(RepositoryPaths.Architecture)), Root);

    [Fact]
    public void No_Engine_folder_uses_a_type_of_a_folder_above_or_beside_it()
    {
        var uses = AssemblyTypeUses.Read(typeof(RecipientTransitions).Assembly.Location, Root);

        Assert.True(uses.Count > 100, $"Only {uses.Count} uses between the Engine's types were read: the reader is broken.");
        NoneOf(Rule.Violations(uses));
    }

    [Fact]
    public void No_Engine_source_has_a_using_directive_for_a_folder_above_or_beside_it()
    {
        var imports = SourceImports.Read(RepositoryPaths.EngineSources).ToList();

        Assert.NotEmpty(imports);
        NoneOf(Rule.Violations(imports));
    }

    [Fact]
    public void Every_Engine_file_declares_its_folders_namespace()
    {
        var wrong = new List<string>();
        foreach (var path in SourceImports.SourceFiles(RepositoryPaths.EngineSources))
        {
            var file = Path.GetRelativePath(RepositoryPaths.EngineSources, path).Replace('\\', '/');
            var expected = string.Join('.', new[] { Root }.Concat(file.Split('/')[..^1]));
            var declared = File.ReadLines(path).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("namespace ", StringComparison.Ordinal));
            if (declared != $"namespace {expected};")
                wrong.Add($"{file}: declares '{declared}', its folder is {expected}");
        }

        NoneOf(wrong);
    }

    [Fact]
    public void The_layer_table_names_every_Engine_folder_and_no_other()
    {
        var folders = SourceImports.SourceFiles(RepositoryPaths.EngineSources)
            .Select(path => Path.GetRelativePath(RepositoryPaths.EngineSources, path).Replace('\\', '/'))
            .Where(file => file.Contains('/'))
            .Select(file => file[..file.IndexOf('/')])
            .Distinct()
            .Order(StringComparer.Ordinal);
        var listed = Rule.Layers.SelectMany(l => l).Order(StringComparer.Ordinal);

        Assert.Equal(folders, listed);
        Assert.Equal([], SourceImports.SourceFiles(RepositoryPaths.EngineSources)
            .Select(path => Path.GetRelativePath(RepositoryPaths.EngineSources, path))
            .Where(file => !file.Contains(Path.DirectorySeparatorChar)));
    }

    /// <summary>Fails with every line, not the first few the collection comparison would show.</summary>
    static void NoneOf(IReadOnlyList<string> violations)
    {
        if (violations.Count > 0)
            Assert.Fail($"{violations.Count} break(s) of the layer rule:\n" + string.Join("\n", violations));
    }
}
