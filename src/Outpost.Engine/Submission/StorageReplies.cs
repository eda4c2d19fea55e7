using System.Data.Common;
using Outpost.Engine.Spool;
using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>
/// The replies when storage runs out: the spool's disk (below its reserve, or a write that failed for want of
/// space) and the database's. Both are temporary, so the client keeps the message and tries again later.
/// </summary>
internal static class StorageReplies
{
    public static readonly SmtpReply DiskFull = new(452, "4.3.1", "Not enough disk space to accept mail now; try again later");
    public static readonly SmtpReply DatabaseFull = new(451, "4.3.0", "The queue database is out of space; the message was not accepted, please try again later");

    /// <summary>The reply for a failure while storing a message: which resource ran out, or the general local error.</summary>
    public static SmtpReply For(Exception ex, MessageSpool spool, long reserve) => ex switch
    {
        IOException io when MessageSpool.IsDiskFull(io) || IsBelowReserve(spool, reserve) => DiskFull,
        DbException db when IsDatabaseFull(db) => DatabaseFull,
        _ => SmtpReplies.LocalError,
    };

    /// <summary>
    /// PostgreSQL's disk_full (SQLSTATE 53100); SQLite's SQLITE_FULL by its fixed text (sqlite3_errstr), since the
    /// engine knows no store's exception types and Microsoft.Data.Sqlite keeps the code in a property of its own.
    /// </summary>
    public static bool IsDatabaseFull(DbException ex) =>
        ex.SqlState == "53100" || ex.Message.Contains("database or disk is full", StringComparison.OrdinalIgnoreCase);

    public static bool IsBelowReserve(MessageSpool spool, long reserve)
    {
        try
        {
            return spool.FreeSpace() < reserve;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Unknown free space never refuses mail on its own; a write that fails still does.
            return false;
        }
    }
}
