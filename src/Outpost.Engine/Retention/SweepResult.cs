namespace Outpost.Engine.Retention;

/// <summary>Orphaned spool files swept (or that a dry run would sweep), and their size.</summary>
public readonly record struct SweepResult(long Files, long Bytes);
