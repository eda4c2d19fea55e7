namespace Outpost.Engine.Configuration;

/// <summary>The server certificate. Without a path, a self-signed one is made on first start under the data directory.</summary>
public sealed class TlsOptions
{
    /// <summary>A PKCS#12 (.pfx) file, or a PEM certificate with <see cref="KeyPath"/>.</summary>
    public string? CertificatePath { get; set; }
    public string? KeyPath { get; set; }
    public string? CertificatePassword { get; set; }
}
