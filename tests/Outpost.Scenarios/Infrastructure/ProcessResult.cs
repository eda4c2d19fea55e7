namespace Outpost.Scenarios.Infrastructure;

/// <summary>What a finished program said.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;
}
