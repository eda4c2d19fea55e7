namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// The result types of RFC 8460 §4.3, the words a TLS-RPT report uses for what failed. The DANE ones
/// (tlsa-invalid, dnssec-invalid, dane-required) are here for the TLSA policy to use.
/// </summary>
public static class TlsResultTypes
{
    public const string StartTlsNotSupported = "starttls-not-supported";
    public const string CertificateHostMismatch = "certificate-host-mismatch";
    public const string CertificateExpired = "certificate-expired";
    public const string CertificateNotTrusted = "certificate-not-trusted";
    public const string ValidationFailure = "validation-failure";
    public const string TlsaInvalid = "tlsa-invalid";
    public const string DnssecInvalid = "dnssec-invalid";
    public const string DaneRequired = "dane-required";
    public const string StsPolicyFetchError = "sts-policy-fetch-error";
    public const string StsPolicyInvalid = "sts-policy-invalid";
    public const string StsWebPkiInvalid = "sts-webpki-invalid";

    /// <summary>Every result type, for checking what a store gives back.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        StartTlsNotSupported, CertificateHostMismatch, CertificateExpired, CertificateNotTrusted, ValidationFailure,
        TlsaInvalid, DnssecInvalid, DaneRequired, StsPolicyFetchError, StsPolicyInvalid, StsWebPkiInvalid,
    ];
}
