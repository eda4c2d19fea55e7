namespace Outpost.Smtp.Proxy;

/// <summary>
/// Reads a PROXY protocol header off the start of a connection from a trusted load balancer, within a
/// deadline and never more than the largest header, and hands back whatever the client sent after it (with
/// TLS on 465 the ClientHello may arrive in the same packet). Talks to the connection's stream only.
/// Security stance: bounded in time and bytes; anything not a whole, valid header is a refusal.
/// </summary>
public static class ProxyHeaderReader
{
    /// <summary>The header and the bytes read past it, or null and why not.</summary>
    public static async Task<(ProxyHeader? Header, byte[] After, string? Reason)> ReadAsync(Stream stream, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 + ProxyHeaderParser.MaxV2Length];
        var filled = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), deadline.Token);
                if (read == 0)
                    return (null, [], "the connection closed before the header was complete");
                filled += read;
                var result = ProxyHeaderParser.Parse(buffer.AsSpan(0, filled));
                if (result.Status == ProxyParseStatus.Complete)
                    return (result.Header, buffer.AsSpan(result.Length, filled - result.Length).ToArray(), null);
                if (result.Status == ProxyParseStatus.Invalid)
                    return (null, [], result.Reason);
            }
            return (null, [], "the header is longer than allowed");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, [], $"no header arrived within {timeout.TotalSeconds:0.#} seconds");
        }
    }
}
