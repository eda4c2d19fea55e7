using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The events of one write transaction, written as its last step with ids that rise in commit order.
/// Readers keep their place in the outbox by id ("after 41"). With ids from a sequence, a transaction that
/// took 41 could commit after one that took 42; a reader that had seen 42 would then never see 41. So the
/// ids come from the one row of <c>event_counter</c>, moved on by the same statement that inserts the
/// events: its row lock is held until this transaction commits, the next writer of events waits for it and
/// takes the ids that follow. Taking the counter last keeps that wait to the insert and the commit, and
/// keeps the lock order the same in every transaction (recipients, messages, then the counter), so the
/// counter never takes part in a deadlock.
/// </summary>
sealed class EventOutbox
{
    readonly List<PendingEvent> _pending = [];

    public int Count => _pending.Count;

    public void Add(PendingEvent e) => _pending.Add(e);

    /// <summary>Inserts the waiting events, numbered in the order they were added, and forgets them.</summary>
    public async Task FlushAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
            return;
        await using var command = new NpgsqlCommand(
            "WITH counter AS (UPDATE event_counter SET last_id = last_id + @n RETURNING last_id) " +
            "INSERT INTO events (id, type, message_id, recipient_id, address, sender, sender_domain, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at) " +
            "SELECT counter.last_id - @n + e.ord, e.type, e.message_id, e.recipient_id, e.address, " +
            // Every event carries its sender: the refusal's own, or its message's (webhooks route by domain).
            "COALESCE(e.sender, m.sender, ''), COALESCE(e.sender_domain, m.sender_domain, ''), e.from_status, e.to_status, e.reason, e.code, e.enhanced, " +
            "e.reply, e.attempt, e.channel, e.created_at " +
            "FROM counter, unnest(@type, @message, @recipient, @address, @sender, @domain, @from, @to, @reason, @code, @enhanced, @reply, @attempt, @channel, @at) " +
            "WITH ORDINALITY AS e(type, message_id, recipient_id, address, sender, sender_domain, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at, ord) " +
            "LEFT JOIN messages m ON m.id = e.message_id",
            connection, transaction);
        command.Parameters
            .Long("n", _pending.Count)
            .TextArray("type", [.. _pending.Select(e => e.Type)])
            .TextArray("message", [.. _pending.Select(e => e.MessageId)])
            .LongArray("recipient", [.. _pending.Select(e => e.RecipientId)])
            .TextArray("address", [.. _pending.Select(e => e.Address)])
            .TextArray("sender", [.. _pending.Select(e => e.Sender)])
            .TextArray("domain", [.. _pending.Select(e => e.SenderDomain)])
            .TextArray("from", [.. _pending.Select(e => e.From)])
            .TextArray("to", [.. _pending.Select(e => e.To)])
            .TextArray("reason", [.. _pending.Select(e => e.Reason)])
            .IntArray("code", [.. _pending.Select(e => e.Code)])
            .TextArray("enhanced", [.. _pending.Select(e => e.Enhanced)])
            .TextArray("reply", [.. _pending.Select(e => e.Reply)])
            .IntArray("attempt", [.. _pending.Select(e => (int?)e.Attempt)])
            .TextArray("channel", [.. _pending.Select(e => e.Channel)])
            .TimeArray("at", [.. _pending.Select(e => e.At)]);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _pending.Clear();
    }
}
