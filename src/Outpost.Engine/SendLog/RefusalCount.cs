namespace Outpost.Engine.SendLog;

/// <summary>How many refusals at submission one stage gave with one reply code.</summary>
public sealed record RefusalCount(string Stage, int Code, int Count);
