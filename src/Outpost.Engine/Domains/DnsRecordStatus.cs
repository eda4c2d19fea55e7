namespace Outpost.Engine.Domains;

/// <summary>
/// How one sending record looks in DNS: <c>Ok</c>; <c>Missing</c>; <c>Wrong</c> (there, but not what is
/// needed); <c>Conflict</c> (more than one where one is allowed); <c>Error</c> (the lookup itself failed,
/// so nothing is known; checked again later).
/// </summary>
public enum DnsRecordStatus
{
    Ok,
    Missing,
    Wrong,
    Conflict,
    Error,
}
