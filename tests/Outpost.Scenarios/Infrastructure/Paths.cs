namespace Outpost.Scenarios.Infrastructure;

/// <summary>Where the repository, the built `outpost` program and the peer scripts are.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRoot();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Outpost.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (Outpost.slnx) above " + AppContext.BaseDirectory);
    }

    /// <summary>The outpost.dll built in the same configuration as this test assembly.</summary>
    public static string OutpostDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // …/bin/<Configuration>/net10.0/
            var path = Path.Combine(RepoRoot, "src", "Outpost", "bin", configuration, "net10.0", "outpost.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Outpost first; not found: " + path);
        }
    }

    public static string Peer(string name) => Path.Combine(AppContext.BaseDirectory, "peers", name);

    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"outpost-{prefix}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A program from the machine, or a clear failure telling how the test command installs it.</summary>
    public static string Tool(string name, params string[] candidates)
    {
        foreach (var candidate in candidates.Append($"/usr/bin/{name}").Append($"/usr/sbin/{name}"))
            if (File.Exists(candidate))
                return candidate;
        throw new InvalidOperationException($"{name} is not installed; run ./test.sh, which installs the test peers.");
    }
}
