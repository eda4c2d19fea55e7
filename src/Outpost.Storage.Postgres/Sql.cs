using Npgsql;
using NpgsqlTypes;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Parameters with their PostgreSQL type spelled out, so that a null still has a type (PostgreSQL cannot
/// infer one for <c>@x IS NULL OR col = @x</c>) and times always go in as UTC <c>timestamptz</c>.
/// Works for commands and batch commands alike.
/// </summary>
static class Sql
{
    public static NpgsqlParameterCollection Text(this NpgsqlParameterCollection p, string name, string? value) =>
        Add(p, name, NpgsqlDbType.Text, value);

    public static NpgsqlParameterCollection Long(this NpgsqlParameterCollection p, string name, long? value) =>
        Add(p, name, NpgsqlDbType.Bigint, value);

    public static NpgsqlParameterCollection Int(this NpgsqlParameterCollection p, string name, int? value) =>
        Add(p, name, NpgsqlDbType.Integer, value);

    public static NpgsqlParameterCollection Double(this NpgsqlParameterCollection p, string name, double value) =>
        Add(p, name, NpgsqlDbType.Double, value);

    /// <summary>A time as <c>timestamptz</c>; Npgsql takes only UTC offsets, so every value is converted first.</summary>
    public static NpgsqlParameterCollection Time(this NpgsqlParameterCollection p, string name, DateTimeOffset? value) =>
        Add(p, name, NpgsqlDbType.TimestampTz, value?.ToUniversalTime());

    public static NpgsqlParameterCollection TextArray(this NpgsqlParameterCollection p, string name, string?[] values) =>
        Add(p, name, NpgsqlDbType.Array | NpgsqlDbType.Text, values);

    public static NpgsqlParameterCollection LongArray(this NpgsqlParameterCollection p, string name, long?[] values) =>
        Add(p, name, NpgsqlDbType.Array | NpgsqlDbType.Bigint, values);

    public static NpgsqlParameterCollection IntArray(this NpgsqlParameterCollection p, string name, int?[] values) =>
        Add(p, name, NpgsqlDbType.Array | NpgsqlDbType.Integer, values);

    public static NpgsqlParameterCollection TimeArray(this NpgsqlParameterCollection p, string name, DateTimeOffset[] values) =>
        Add(p, name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, values.Select(v => v.ToUniversalTime()).ToArray());

    static NpgsqlParameterCollection Add(NpgsqlParameterCollection p, string name, NpgsqlDbType type, object? value)
    {
        p.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });
        return p;
    }

    /// <summary>A batch command with its parameters, for <see cref="NpgsqlBatch"/>: its statements run in order, in one round trip.</summary>
    public static NpgsqlBatchCommand Add(this NpgsqlBatch batch, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        batch.BatchCommands.Add(command);
        return command;
    }
}
