namespace Outpost.Engine.Policy;

/// <summary>One condition of the pre-flight check: its name, whether it passed, and the sentence for it.</summary>
public sealed record PreflightCheck(string Name, bool Passed, string Sentence);
