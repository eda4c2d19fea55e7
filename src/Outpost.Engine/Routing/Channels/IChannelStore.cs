namespace Outpost.Engine.Routing.Channels;

/// <summary>Configured channels and their health.</summary>
public interface IChannelStore
{
    Task<IReadOnlyList<Channel>> ListAsync(CancellationToken cancellationToken = default);
    Task AddAsync(Channel channel, CancellationToken cancellationToken = default);
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default);
    Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ChannelHealth>> HealthAsync(CancellationToken cancellationToken = default);
    Task SaveHealthAsync(ChannelHealth health, CancellationToken cancellationToken = default);
}
