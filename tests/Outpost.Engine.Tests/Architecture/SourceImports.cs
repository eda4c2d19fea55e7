using System.Text.RegularExpressions;

namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// The using directives of a project's C# sources (plain, static, global and aliases). They catch what the
/// compiled assembly cannot show: an import of a folder used only through a const or nameof, which the
/// compiler inlines. Statements like <c>using var x = ...</c> are not directives and are skipped.
/// </summary>
internal static partial class SourceImports
{
    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?(?<namespace>[A-Za-z_][\w.]*)\s*(?:<[^;]*>)?\s*;")]
    private static partial Regex Directive();

    /// <summary>Every directive of every .cs file under <paramref name="projectDirectory"/> (build output left out).</summary>
    public static IEnumerable<SourceImport> Read(string projectDirectory) =>
        SourceFiles(projectDirectory).SelectMany(path =>
            Parse(Path.GetRelativePath(projectDirectory, path).Replace('\\', '/'), File.ReadAllText(path)));

    public static IEnumerable<string> SourceFiles(string projectDirectory) =>
        Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(path => Path.GetRelativePath(projectDirectory, path).Replace('\\', '/').Split('/')[0] is not ("bin" or "obj"))
            .Order(StringComparer.Ordinal);

    public static IEnumerable<SourceImport> Parse(string file, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (Directive().Match(lines[i]) is { Success: true } match)
                yield return new SourceImport(file, i + 1, match.Groups["namespace"].Value);
    }
}
