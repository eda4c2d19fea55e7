namespace Outpost.Engine.Routing.Channels;

/// <summary>Configured channels and their health.</summary>
public interface IChannelStore
{
    Task<IReadOnlyList<Channel>> ListAsync(CancellationToken cancellationToken = default);
    Task AddAsync(Channel channel, CancellationToken cancellationToken = default);
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default);
    Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken = default);

    /// <summary>Replaces a channel's stored password with <paramref name="to"/> if it is still <paramref name="from"/>; false otherwise.</summary>
    Task<bool> ReplacePasswordAsync(string name, string from, string to, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ChannelHealth>> HealthAsync(CancellationToken cancellationToken = default);
    Task SaveHealthAsync(ChannelHealth health, CancellationToken cancellationToken = default);
}
