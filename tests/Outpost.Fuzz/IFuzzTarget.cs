namespace Outpost.Fuzz;

/// <summary>
/// One fuzz target: a function of bytes that runs a piece of Outpost on them. It returns normally for
/// every input the code answers with one of its documented refusals; anything else it throws (an
/// exception the code lets escape, or a <see cref="FuzzFinding"/> for a broken promise), and the fuzzer
/// counts that as a crash.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name on the command line, and of the corpus and dictionary folders.</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}
