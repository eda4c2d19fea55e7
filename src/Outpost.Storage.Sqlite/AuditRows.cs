using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Audit;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The audit table's writes, shared by the stores whose changes it records in their own transaction:
/// the audit store, the policy store (restrictions) and the queue store (an operator's batches).
/// </summary>
static class AuditRows
{
    public static long Insert(SqliteConnection c, SqliteTransaction t, AuditEntry e) =>
        c.ExecuteScalar<long>(
            "INSERT INTO audit (at, actor, via, action, target, domain, reason, touched, skipped) " +
            "VALUES (@at, @actor, @via, @action, @target, @domain, @reason, 0, 0) RETURNING id",
            new { at = e.At.ToMs(), actor = e.Actor, via = e.Via, action = e.Action, target = e.Target, domain = e.Domain, reason = e.Reason }, t);

    public static void AddCounts(SqliteConnection c, SqliteTransaction t, long id, int touched, int skipped) =>
        c.Execute("UPDATE audit SET touched = touched + @touched, skipped = skipped + @skipped WHERE id = @id", new { id, touched, skipped }, t);
}
