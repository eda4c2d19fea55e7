namespace Outpost.Engine.Policy.Model;

/// <summary>One labelled message of a corpus: where it is, its label, language and whether it is a hard negative, and its features.</summary>
public sealed record CorpusMessage(string Id, string Path, string Label, string Language, bool Hard, MessageFeatures Features);
