namespace Outpost.Cli;

/// <summary>The configuration was refused: one line per problem, printed as they are, and exit code 78.</summary>
public sealed class ConfigurationException(IReadOnlyList<string> lines) : Exception(string.Join(Environment.NewLine, lines))
{
    public IReadOnlyList<string> Lines { get; } = lines;
}
