namespace Outpost.Cli;

/// <summary>A command stops with its sentence (already fit for a person) and an exit code; no stack trace follows.</summary>
public sealed class CommandFailedException(string sentence, int exitCode = ExitCodes.Failed) : Exception(sentence)
{
    public int ExitCode { get; } = exitCode;
}
