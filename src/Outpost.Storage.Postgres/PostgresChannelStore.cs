using Npgsql;
using NpgsqlTypes;
using Outpost.Engine.Routing.Channels;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Channels and their health in PostgreSQL, shared by the nodes: a channel added or disabled on one is
/// used or left by all, and a destination's health one node recorded is what the others read. Security:
/// a relay's password is kept as the engine gives it and returned only to the engine (no command shows it).
/// </summary>
public sealed class PostgresChannelStore(PostgresDatabase db) : IChannelStore
{
    const string Columns = "name, kind, bind_address, helo_name, region, max_connections, weight, enabled, relay_host, relay_port, relay_tls, verify_certificate, username, password";

    static Channel Read(NpgsqlDataReader r) =>
        new(r.GetString(0), Enum.Parse<ChannelKind>(r.GetString(1), true), r.Text(2), r.Text(3), r.Text(4), r.GetInt32(5), r.GetInt32(6), r.GetBoolean(7),
            r.Text(8), r.GetInt32(9), Enum.Parse<RelayTls>(r.GetString(10), true), r.GetBoolean(11), r.Text(12), r.Text(13));

    static NpgsqlParameterCollection Flag(NpgsqlParameterCollection p, string name, bool value)
    {
        p.Add(new NpgsqlParameter(name, NpgsqlDbType.Boolean) { Value = value });
        return p;
    }

    public async Task<IReadOnlyList<Channel>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM channels ORDER BY name COLLATE \"C\"");
        return await command.ListAsync(Read, cancellationToken);
    }

    public Task AddAsync(Channel ch, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                $"INSERT INTO channels ({Columns}) VALUES (@name, @kind, @bind, @helo, @region, @max, @weight, @enabled, @host, @port, @tls, @verify, @username, @password)");
            command.Parameters.Text("name", ch.Name).Text("kind", ch.Kind.ToString().ToLowerInvariant()).Text("bind", ch.BindAddress).Text("helo", ch.HeloName)
                .Text("region", ch.Region).Int("max", ch.MaxConnections).Int("weight", ch.Weight).Text("host", ch.RelayHost).Int("port", ch.RelayPort)
                .Text("tls", ch.RelayTls.ToString().ToLowerInvariant()).Text("username", ch.Username).Text("password", ch.SealedPassword);
            Flag(Flag(command.Parameters, "enabled", ch.Enabled), "verify", ch.VerifyCertificate);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var batch = tx.Batch();
            batch.Add("DELETE FROM channel_health WHERE channel = @name").Parameters.Text("name", name);
            var channel = batch.Add("DELETE FROM channels WHERE name = @name");
            channel.Parameters.Text("name", name);
            await batch.ExecuteNonQueryAsync(ct);
            return channel.RecordsAffected;
        }, cancellationToken) > 0;

    public async Task<bool> ReplacePasswordAsync(string name, string from, string to, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE channels SET password = @to WHERE name = @name AND password = @from");
            command.Parameters.Text("name", name).Text("from", from).Text("to", to);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken) > 0;

    public async Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE channels SET enabled = @enabled WHERE name = @name");
            Flag(command.Parameters.Text("name", name), "enabled", enabled);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken) > 0;

    public async Task<IReadOnlyList<ChannelHealth>> HealthAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT channel, destination, failures, last_error, skip_until, updated_at FROM channel_health");
        return await command.ListAsync(r => new ChannelHealth(r.GetString(0), r.GetString(1), r.GetInt32(2), r.Text(3), r.TimeOrNull(4), r.Time(5)), cancellationToken);
    }

    public Task SaveHealthAsync(ChannelHealth h, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "INSERT INTO channel_health (channel, destination, failures, last_error, skip_until, updated_at) VALUES (@channel, @destination, @failures, @error, @until, @at) " +
                "ON CONFLICT (channel, destination) DO UPDATE SET failures = EXCLUDED.failures, last_error = EXCLUDED.last_error, " +
                "skip_until = EXCLUDED.skip_until, updated_at = EXCLUDED.updated_at");
            command.Parameters.Text("channel", h.Channel).Text("destination", h.Destination).Int("failures", h.Failures).Text("error", h.LastError)
                .Time("until", h.SkipUntil).Time("at", h.UpdatedAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
