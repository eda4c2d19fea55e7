namespace Outpost.Engine.Dns;

/// <summary>
/// What a validating resolver said of an answer (RFC 4035 §4.3): secure (the AD bit, from a resolver
/// trusted to set it), insecure (not signed, or from no trusted resolver), or failed: bogus data (the
/// resolver answers SERVFAIL), a timeout, any other error, where nothing can be told either way.
/// </summary>
public enum DnssecStatus
{
    Secure,
    Insecure,
    Failed,
}
