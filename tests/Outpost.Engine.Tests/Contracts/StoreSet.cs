using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// The stores one back end provides, over one fresh database, as the contract suites use them: only through
/// the Engine's interfaces, so the same suites run against every back end (SQLite today, PostgreSQL next).
/// </summary>
public abstract class StoreSet : IDisposable
{
    public abstract IQueueStore Queue { get; }
    public abstract ISendLog Log { get; }
    public abstract ISuppressionStore Suppressions { get; }
    public abstract IAuditStore Audit { get; }

    /// <summary>The queue as another node sees it: the same database, leases under <paramref name="node"/>'s name.</summary>
    public abstract IQueueStore QueueOf(NodeIdentity node);

    public abstract void Dispose();

    /// <summary>The clock every store of a set reads.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
}
