namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>The MTA-STS policy host resolved only to addresses a policy may not be fetched from (private, loopback, link-local); the message is the sentence.</summary>
public sealed class PolicyHostAddressException(string message) : Exception(message);
