using System.Data.Common;

namespace Outpost.Engine.Queue;

/// <summary>
/// Whether a store's failure means the database could not be reached for now (a connection refused or
/// broken, a server shutting down or starting up) rather than that the statement was wrong: the one reading
/// of that question, for writers that wait for the database instead of dropping what they hold.
/// </summary>
public static class StoreOutage
{
    public static bool IsOutage(Exception ex) => ex switch
    {
        // SQL's class 08 is a connection exception; PostgreSQL's 57P0x are a shutdown or a start in progress.
        DbException db => db.IsTransient || db.SqlState is { } state && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal)),
        System.Net.Sockets.SocketException or TimeoutException => true,
        _ => ex.InnerException is { } inner && IsOutage(inner),
    };
}
