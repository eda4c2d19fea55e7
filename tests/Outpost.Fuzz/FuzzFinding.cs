namespace Outpost.Fuzz;

/// <summary>A target's own check failed: the code returned, but broke a promise it makes (a stored line with a CR, a session that did not end).</summary>
internal sealed class FuzzFinding(string message) : Exception(message);
