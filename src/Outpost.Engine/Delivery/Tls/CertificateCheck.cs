namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// What the <see cref="CertificateVerifier"/> found: null when the certificate is valid, else one sentence
/// saying what is wrong, with its TLS-RPT result type (certificate-expired, certificate-host-mismatch, …).
/// </summary>
public sealed record CertificateCheck(string? Problem, string? ResultType)
{
    public static CertificateCheck Valid { get; } = new(null, null);
}
