namespace Outpost.Engine.Configuration;

/// <summary>
/// One thing wrong with the configuration: the key, and the one line the operator reads (it names the key,
/// the value and what is allowed). A placeholder is a development default that must not go live: refused
/// when the environment is Production, a warning otherwise.
/// </summary>
public sealed record ConfigurationProblem(string Key, string Line, bool Placeholder = false);
