namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>Fetches a domain's MTA-STS policy text (<see cref="MtaStsFetcher"/> over HTTPS; tests give their own).</summary>
public interface IMtaStsFetcher
{
    /// <summary>The policy text, or a sentence saying why there is none with its TLS-RPT result type.</summary>
    Task<(string? Text, string? Error, string? ResultType)> FetchAsync(string domain, CancellationToken cancellationToken);
}
