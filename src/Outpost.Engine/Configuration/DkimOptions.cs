namespace Outpost.Engine.Configuration;

/// <summary>DKIM signing.</summary>
public sealed class DkimOptions
{
    /// <summary>Also sign with Ed25519 (RFC 8463) beside RSA-2048.</summary>
    public bool Ed25519 { get; set; }

    /// <summary>How long a replaced key's record should stay published before the key is retired.</summary>
    public TimeSpan RetireAfter { get; set; } = TimeSpan.FromDays(7);
}
