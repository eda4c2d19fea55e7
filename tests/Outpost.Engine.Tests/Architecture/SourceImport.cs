namespace Outpost.Engine.Tests.Architecture;

/// <summary>A using directive in a source file: the file (relative to its project), its line, and the namespace it names.</summary>
public sealed record SourceImport(string File, int Line, string Namespace);
