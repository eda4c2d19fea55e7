namespace Outpost.Smtp;

/// <summary>The end of a DATA section: how it ended and how many octets it held after unstuffing.</summary>
public readonly record struct DataResult(LineStatus Status, long Size);
