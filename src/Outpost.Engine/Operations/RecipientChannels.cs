using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Operations;

/// <summary>
/// The channel a waiting recipient would go through now: "local" for a hosted mailbox, else the first
/// channel <see cref="ChannelSelector"/> orders for its domain and sender (the one delivery would try
/// first). Asked once per destination and sender domain for one operation, since a large selection has
/// many recipients to the same place.
/// </summary>
public sealed class RecipientChannels(ChannelSelector selector)
{
    readonly Dictionary<(string Domain, string? SenderDomain), string> _known = [];

    public async ValueTask<string> NameAsync(WaitingRecipient waiting)
    {
        var r = waiting.Recipient;
        if (r.Route == Route.Local)
            return QueueSelection.LocalChannel;
        var senderDomain = waiting.Sender.Length == 0 ? null : waiting.Sender[(waiting.Sender.IndexOf('@') + 1)..];
        var key = (r.Domain, senderDomain);
        if (!_known.TryGetValue(key, out var name))
            _known[key] = name = (await selector.OrderAsync(r.Domain, senderDomain))[0].Channel.Name.ToLowerInvariant();
        return name;
    }
}
