using Outpost.Engine.Policy.Model;

namespace Outpost.Engine.Tests.Policy;

/// <summary>The shipped content model, loaded once for every test that classifies.</summary>
internal static class TestModel
{
    static readonly Lazy<ContentModel> Loaded = new(() => ContentModel.Load(null));

    public static ContentModel Shipped => Loaded.Value;

    /// <summary>The repository's root (where corpus/ is), found upwards from the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "corpus", "train")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new DirectoryNotFoundException("corpus/train, above " + AppContext.BaseDirectory);
        }
    }
}
