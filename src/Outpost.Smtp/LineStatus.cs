namespace Outpost.Smtp;

/// <summary>How reading one command line or one DATA section ended.</summary>
public enum LineStatus
{
    Ok,
    TooLong,
    BareLineEnding,
    BadEncoding,
    Closed,
    /// <summary>DATA only: the message grew past the size limit; the rest was read and dropped.</summary>
    TooBig,
}
