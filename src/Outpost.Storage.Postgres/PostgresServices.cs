using Microsoft.Extensions.DependencyInjection;
using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Registers the PostgreSQL back end: the stores ported so far (queue, send log with events and refusals,
/// suppressions, the audit trail). The stores it does not register yet are found by comparing with the SQLite back end,
/// and a node refuses to start without them (see <c>StorageChoice</c> in the command).
/// </summary>
public static class PostgresServices
{
    /// <param name="open">Makes the database (connected and migrated) when it is first needed; the container disposes it.</param>
    public static IServiceCollection AddOutpostPostgres(this IServiceCollection services, Func<PostgresDatabase> open)
    {
        services.AddSingleton(_ => open());
        services.AddSingleton<IQueueStore, PostgresQueueStore>();
        services.AddSingleton<ISendLog, PostgresSendLog>();
        services.AddSingleton<IDashboardStore, PostgresDashboardStore>();
        services.AddSingleton<ISuppressionStore, PostgresSuppressionStore>();
        services.AddSingleton<IAuditStore, PostgresAuditStore>();
        return services;
    }
}
