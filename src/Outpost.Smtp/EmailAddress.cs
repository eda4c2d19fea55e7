namespace Outpost.Smtp;

/// <summary>
/// An envelope address that passed <see cref="AddressParser"/>: a plain local part and a domain in
/// lower-case ASCII (IDNs in their A-label form), so it is safe to route on. The empty address is the
/// null reverse path <c>&lt;&gt;</c>.
/// </summary>
public sealed record EmailAddress(string LocalPart, string Domain)
{
    public static readonly EmailAddress Null = new("", "");

    public bool IsNull => LocalPart.Length == 0 && Domain.Length == 0;

    /// <summary>The address as stored and compared: local part lower-cased, as hosted mailboxes are case-insensitive.</summary>
    public string Normalized => IsNull ? "" : $"{LocalPart.ToLowerInvariant()}@{Domain}";

    public override string ToString() => IsNull ? "" : $"{LocalPart}@{Domain}";
}
