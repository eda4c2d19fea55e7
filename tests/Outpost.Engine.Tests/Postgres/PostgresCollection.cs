namespace Outpost.Engine.Tests.Postgres;

/// <summary>The tests that run on the private PostgreSQL cluster (<see cref="PostgresFixture"/>), one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
