using System.CommandLine;
using System.CommandLine.Invocation;
using Outpost.Engine.Metrics;

namespace Outpost.Cli;

/// <summary><c>outpost --version</c>: <c>outpost 0.8.0 (commit 19e69a1a2a65)</c>, the full commit on the next line.</summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(BuildInfo.Describe());
        parseResult.InvocationConfiguration.Output.WriteLine($"commit {BuildInfo.Commit}");
        return 0;
    }
}
