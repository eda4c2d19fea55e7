namespace Outpost.Engine.Signing;

/// <summary>DKIM key types: RSA-2048 always, Ed25519 (RFC 8463) as a second signature when enabled.</summary>
public enum DkimAlgorithm
{
    Rsa,
    Ed25519,
}
