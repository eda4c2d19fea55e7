namespace Outpost.Engine.Signing;

/// <summary>The public halves of every domain's DKIM keys and their states; the private keys are kept by <see cref="IDkimPrivateKeys"/>.</summary>
public interface IDkimKeyStore
{
    Task AddKeyAsync(DkimKey key, CancellationToken cancellationToken = default);
    Task UpdateKeyAsync(DkimKey key, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<DkimKey>> KeysAsync(string domain, CancellationToken cancellationToken = default);
}
