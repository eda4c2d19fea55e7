using Npgsql;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Postgres;

/// <summary>The columns the queue and the send log read, in one order, and the engine's records made from them.</summary>
static class Rows
{
    public const string MessageColumns = "m.id, m.sender, m.subject, m.size, m.auth_user, m.client_ip, m.helo, m.source, m.received_at, m.spool_path, m.content_verdict";
    public const string RecipientColumns = "r.id, r.message_id, r.address, r.domain, r.route, r.status, r.attempts, r.next_attempt_at, r.last_reply";

    /// <summary>A message from <see cref="MessageColumns"/>, starting at column <paramref name="at"/>.</summary>
    public static QueuedMessage Message(NpgsqlDataReader r, int at = 0) =>
        new(r.GetString(at), r.GetString(at + 1), r.Text(at + 2), r.GetInt64(at + 3), r.Text(at + 4), r.Text(at + 5), r.Text(at + 6),
            r.GetString(at + 7), r.Time(at + 8), r.GetString(at + 9)) { ContentVerdict = r.Text(at + 10) };

    /// <summary>A recipient from <see cref="RecipientColumns"/>, starting at column <paramref name="at"/>.</summary>
    public static QueuedRecipient Recipient(NpgsqlDataReader r, int at = 0) =>
        new(r.GetInt64(at), r.GetString(at + 1), r.GetString(at + 2), r.GetString(at + 3), Enum.Parse<Route>(r.GetString(at + 4), true),
            RecipientStatusNames.Parse(r.GetString(at + 5)), r.GetInt32(at + 6), r.Time(at + 7), r.Text(at + 8));

    public static string? Text(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static int? Int(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    public static DateTimeOffset Time(this NpgsqlDataReader r, int i) => r.GetFieldValue<DateTimeOffset>(i);

    public static DateTimeOffset? TimeOrNull(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    /// <summary>Reads every row of <paramref name="command"/> with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(this NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }
}
