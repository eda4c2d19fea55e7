namespace Outpost.Engine.Signing;

/// <summary>
/// Where the private halves of DKIM keys are kept: 0600 files in the data directory (<see cref="DkimKeyFiles"/>,
/// one node) or sealed rows in the shared database (PostgreSQL, so every node signs with the same keys and a key
/// made or rotated on one node signs on the others). The PEM never leaves through a command, an API or a log.
/// </summary>
public interface IDkimPrivateKeys
{
    void Write(string domain, string selector, string pem);

    /// <summary>The key's PEM; an <see cref="IOException"/> when there is none.</summary>
    string Read(string domain, string selector);

    void Delete(string domain, string selector);
}
