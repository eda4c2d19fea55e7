namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// The private PostgreSQL cluster shared by every test of <see cref="PostgresCollection"/>, started once and
/// removed at the end. Each test takes a database of its own from it. When the cluster cannot start, the
/// constructor throws and every test of the collection fails with the reason.
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresCluster Cluster { get; } = PostgresCluster.Start();

    /// <summary>A fresh, empty database, dropped when the returned handle is disposed.</summary>
    public TestDatabase NewDatabase() => new(Cluster);

    public void Dispose() => Cluster.Dispose();
}
