namespace Outpost.Engine.Tests.Postgres;

/// <summary>One empty database of the test cluster for one test, dropped afterwards.</summary>
public sealed class TestDatabase : IDisposable
{
    readonly PostgresCluster _cluster;

    public TestDatabase(PostgresCluster cluster)
    {
        _cluster = cluster;
        Name = cluster.CreateDatabase();
        ConnectionString = cluster.ConnectionString(Name);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public void Dispose() => _cluster.DropDatabase(Name);
}
