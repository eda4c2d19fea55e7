using Outpost.Engine.Configuration;

namespace Outpost.Engine.Tests.Storage;

/// <summary>Storage's options: SQLite by default, PostgreSQL with a connection string, one sentence for each mistake.</summary>
public sealed class StorageOptionsTests
{
    [Fact]
    public void Sqlite_is_the_default_and_postgres_needs_a_connection_string()
    {
        Assert.Null(new StorageOptions().Problem());
        Assert.False(new StorageOptions().IsPostgres);
        var postgres = new StorageOptions { Provider = "Postgres", ConnectionString = "Host=db;Database=outpost;Username=outpost;Password=x" };
        Assert.Null(postgres.Problem());
        Assert.True(postgres.IsPostgres);
    }

    [Theory]
    [InlineData("mysql", null, "Storage:Provider is 'mysql'; use sqlite (the default: one node, embedded) or postgres (several nodes on one PostgreSQL).")]
    [InlineData("", null, "Storage:Provider is ''; use sqlite")]
    [InlineData("postgres", null, "Storage:Provider is postgres but Storage:ConnectionString is empty; set it")]
    [InlineData("postgres", "  ", "Storage:Provider is postgres but Storage:ConnectionString is empty; set it")]
    [InlineData("sqlite", "Host=db;Password=secret", "Storage:ConnectionString is set but Storage:Provider is sqlite; set Storage:Provider to postgres")]
    public void A_mistake_is_one_sentence_naming_the_key(string provider, string? connection, string start)
    {
        var problem = new StorageOptions { Provider = provider, ConnectionString = connection }.Problem();
        Assert.NotNull(problem);
        Assert.StartsWith(start, problem, StringComparison.Ordinal);
        Assert.EndsWith(".", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_connection_string_beyond_the_limit_is_refused()
    {
        var problem = new StorageOptions { Provider = "postgres", ConnectionString = "Host=db;Password=" + new string('x', StorageOptions.LongestConnectionString) }.Problem();
        Assert.StartsWith("Storage:ConnectionString is longer than 4,096 characters", problem, StringComparison.Ordinal);
    }
}
