namespace Outpost.Engine.Policy;

/// <summary>
/// "Why would my mail fail, or land in spam?" (F2) for one message, without sending it: the verdict
/// with its sentence, each check, each content class with its signals, and advice.
/// </summary>
public sealed record PreflightReport(
    bool WouldSend,
    string Verdict,
    IReadOnlyList<PreflightCheck> Checks,
    IReadOnlyList<ClassResult> Content,
    IReadOnlyList<string> Advice);
