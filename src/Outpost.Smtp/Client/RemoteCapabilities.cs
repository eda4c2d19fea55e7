namespace Outpost.Smtp.Client;

/// <summary>The EHLO keywords the outbound client uses; anything else the server offers is ignored.</summary>
[Flags]
public enum RemoteCapabilities
{
    None = 0,
    Pipelining = 1,
    EightBitMime = 2,
    SmtpUtf8 = 4,
    Size = 8,
    StartTls = 16,
    AuthPlain = 32,
    AuthLogin = 64,
}
