using System.Text.RegularExpressions;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// <c>outpost --version</c> names the release of Directory.Build.props and a commit of this repository (the
/// build's), and the running server says the same in <c>/metrics</c> and in the admin pages' footer.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed partial class VersionTests(MailWorld world)
{
    [GeneratedRegex(@"^outpost (?<version>\d+\.\d+\.\d+\S*) \(commit (?<short>[0-9a-f]{12})\)\ncommit (?<commit>[0-9a-f]{40})\n$")]
    private static partial Regex VersionLines();

    [Fact]
    public async Task The_version_and_commit_are_the_builds_in_the_command_the_metrics_and_the_footer()
    {
        var result = await Processes.RunAsync("dotnet", [Paths.OutpostDll, "--version"]);
        Assert.True(result.ExitCode == 0, result.All);
        var match = VersionLines().Match(result.Output.Replace("\r", ""));
        Assert.True(match.Success, result.Output);
        var version = match.Groups["version"].Value;
        var commit = match.Groups["commit"].Value;
        Assert.StartsWith(match.Groups["short"].Value, commit);

        var props = await File.ReadAllTextAsync(Path.Combine(Paths.RepoRoot, "Directory.Build.props"));
        Assert.Contains($"<VersionPrefix>{version}</VersionPrefix>", props);
        var exists = await Processes.RunAsync("git", ["-C", Paths.RepoRoot, "cat-file", "-e", commit + "^{commit}"]);
        Assert.True(exists.ExitCode == 0, $"{commit} is not a commit of this repository: {exists.All}");

        using var http = new HttpClient();
        var metrics = await PrometheusText.ScrapeAsync(world.Outpost.Web);
        Assert.Equal(1, Assert.Single(metrics.Matching("outpost_build_info", ("version", version), ("commit", commit))).Value);
        var login = await http.GetStringAsync(new Uri(world.Outpost.Web, "login"));
        Assert.Contains($"<footer class=\"build\">outpost {version} (commit {commit[..12]})</footer>", login);
    }
}
