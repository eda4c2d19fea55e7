using System.Collections.Frozen;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Routing;

/// <summary>
/// The configured feedback addresses (<c>Complaints:Addresses</c>), lower-case. Submission accepts them at
/// RCPT without a mailbox, routing sends them to local delivery, and local delivery hands their copy to
/// the feedback mailbox (<see cref="IFeedbackMailbox"/>) instead of a Maildir. A hosted mailbox of the same name loses to them.
/// </summary>
public sealed class FeedbackAddresses(ComplaintOptions options)
{
    // Asked for every recipient: compared without case, so nothing is allocated on the way.
    readonly FrozenSet<string> _addresses = options.Addresses.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length > 0).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool Contains(string address) => _addresses.Count > 0 && _addresses.Contains(address.Trim());

    public IReadOnlyCollection<string> All => _addresses;
}
