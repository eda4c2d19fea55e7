using Dapper;
using Outpost.Engine.Routing.Channels;

namespace Outpost.Storage.Sqlite;

/// <summary>Channels and their health in SQLite.</summary>
public sealed class SqliteChannelStore(SqliteDatabase db) : IChannelStore
{
    sealed record ChannelRow(string name, string kind, string? bind_address, string? helo_name, string? region, long max_connections, long weight, long enabled,
        string? relay_host, long relay_port, string relay_tls, long verify_certificate, string? username, string? password)
    {
        public Channel ToChannel() => new(name, Enum.Parse<ChannelKind>(kind, true), bind_address, helo_name, region, (int)max_connections, (int)weight, enabled != 0,
            relay_host, (int)relay_port, Enum.Parse<RelayTls>(relay_tls, true), verify_certificate != 0, username, password);
    }

    sealed record HealthRow(string channel, string destination, long failures, string? last_error, long? skip_until, long updated_at)
    {
        public ChannelHealth ToHealth() => new(channel, destination, (int)failures, last_error, skip_until is { } s ? Time.FromMs(s) : null, Time.FromMs(updated_at));
    }

    public async Task<IReadOnlyList<Channel>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<ChannelRow>("SELECT name, kind, bind_address, helo_name, region, max_connections, weight, enabled, relay_host, relay_port, " +
                                                  "relay_tls, verify_certificate, username, password FROM channels ORDER BY name");
        return rows.Select(r => r.ToChannel()).ToList();
    }

    public Task AddAsync(Channel ch, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO channels (name, kind, bind_address, helo_name, region, max_connections, weight, enabled, relay_host, relay_port, relay_tls, verify_certificate, username, password) " +
            "VALUES (@Name, @kind, @BindAddress, @HeloName, @Region, @MaxConnections, @Weight, @Enabled, @RelayHost, @RelayPort, @tls, @VerifyCertificate, @Username, @Password)",
            new
            {
                ch.Name, kind = ch.Kind.ToString().ToLowerInvariant(), ch.BindAddress, ch.HeloName, ch.Region, ch.MaxConnections, ch.Weight, ch.Enabled,
                ch.RelayHost, ch.RelayPort, tls = ch.RelayTls.ToString().ToLowerInvariant(), ch.VerifyCertificate, ch.Username, Password = ch.SealedPassword,
            }, t), cancellationToken);

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) =>
        {
            c.Execute("DELETE FROM channel_health WHERE channel = @name", new { name }, t);
            return c.Execute("DELETE FROM channels WHERE name = @name", new { name }, t);
        }, cancellationToken) > 0;

    public async Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.Execute("UPDATE channels SET enabled = @enabled WHERE name = @name", new { name, enabled }, t), cancellationToken) > 0;

    public async Task<bool> ReplacePasswordAsync(string name, string from, string to, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.Execute("UPDATE channels SET password = @to WHERE name = @name AND password = @from", new { name, from, to }, t), cancellationToken) > 0;

    public async Task<IReadOnlyList<ChannelHealth>> HealthAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<HealthRow>("SELECT channel, destination, failures, last_error, skip_until, updated_at FROM channel_health");
        return rows.Select(r => r.ToHealth()).ToList();
    }

    public Task SaveHealthAsync(ChannelHealth h, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO channel_health (channel, destination, failures, last_error, skip_until, updated_at) VALUES (@channel, @destination, @failures, @error, @until, @at) " +
            "ON CONFLICT (channel, destination) DO UPDATE SET failures = excluded.failures, last_error = excluded.last_error, skip_until = excluded.skip_until, updated_at = excluded.updated_at",
            new { channel = h.Channel, destination = h.Destination, failures = h.Failures, error = h.LastError, until = h.SkipUntil?.ToMs(), at = h.UpdatedAt.ToMs() }, t),
            cancellationToken);
}
