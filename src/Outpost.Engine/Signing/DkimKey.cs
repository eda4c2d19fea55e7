namespace Outpost.Engine.Signing;

/// <summary>One DKIM key of a domain. Only the public half is here; the private key is a file readable by Outpost alone.</summary>
public sealed record DkimKey(
    string Domain,
    string Selector,
    DkimAlgorithm Algorithm,
    DkimKeyState State,
    string PublicKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? RetireAfter)
{
    public string RecordName => $"{Selector}._domainkey.{Domain}";

    public string RecordValue => $"v=DKIM1; k={(Algorithm == DkimAlgorithm.Rsa ? "rsa" : "ed25519")}; p={PublicKey}";

    /// <summary>The check that proves this key's record: "dkim:&lt;selector&gt;".</summary>
    public string CheckName => "dkim:" + Selector;
}
