namespace Outpost.Engine.Tests.Architecture;

/// <summary>Where the repository's files are, found from the test's output directory (the folder holding Outpost.slnx).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string EngineSources => Path.Combine(Root, "src", "Outpost.Engine");

    public static string Architecture => Path.Combine(Root, "docs", "ARCHITECTURE.md");

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Outpost.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Outpost.slnx) above " + AppContext.BaseDirectory);
    }
}
