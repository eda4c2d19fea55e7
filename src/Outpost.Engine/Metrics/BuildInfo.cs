using System.Reflection;

namespace Outpost.Engine.Metrics;

/// <summary>
/// The version and commit this build was made from, as the build stamped them into the assembly's
/// informational version (<c>0.8.0+&lt;commit&gt;</c>: the SDK appends <c>SourceRevisionId</c>, which it takes
/// from git at build time, or which <c>packaging/build-deb.sh</c> passes). Shown by <c>outpost --version</c>,
/// in the admin pages' footer and as <c>outpost_build_info</c> in <c>/metrics</c>.
/// </summary>
public static class BuildInfo
{
    static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The release version, e.g. <c>0.8.0</c>.</summary>
    public static string Version { get; } = Informational.Split('+', 2)[0];

    /// <summary>The full commit id, or <c>unknown</c> for a build made outside a git checkout.</summary>
    public static string Commit { get; } = Informational.Split('+', 2) is [_, var commit] && commit.Length > 0 ? commit : "unknown";

    /// <summary>The commit's first 12 characters, as people quote it.</summary>
    public static string ShortCommit => Commit.Length > 12 ? Commit[..12] : Commit;

    /// <summary><c>outpost 0.8.0 (commit 19e69a1a2a65)</c>.</summary>
    public static string Describe() => $"outpost {Version} (commit {ShortCommit})";
}
