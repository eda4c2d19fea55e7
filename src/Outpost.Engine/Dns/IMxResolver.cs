namespace Outpost.Engine.Dns;

/// <summary>Finds where a domain's mail goes; behind an interface so unit tests need no DNS server.</summary>
public interface IMxResolver
{
    Task<MxResolution> ResolveAsync(string domain, CancellationToken cancellationToken = default);
}
