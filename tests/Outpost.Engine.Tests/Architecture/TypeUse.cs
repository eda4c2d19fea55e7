namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// One type of an assembly using another type of the same assembly: <paramref name="User"/> and
/// <paramref name="Used"/> are outermost types' full names (a lambda's closure or an async state machine
/// counts as the type it was written in), <paramref name="File"/> the source file the use was compiled
/// from, relative to the project (null when the symbols do not say).
/// </summary>
public sealed record TypeUse(string User, string? File, string Used);
