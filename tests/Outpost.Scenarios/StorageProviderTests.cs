using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Storage:Provider in the real program: a wrong choice refuses to start in one sentence, and a PostgreSQL
/// that cannot be reached refuses serve and the management commands alike, before anything listens.
/// </summary>
public sealed class StorageProviderTests : IDisposable
{
    readonly string _data = Paths.NewTempDirectory("storage");

    Task<ProcessResult> RunAsync(Dictionary<string, string> env, params string[] args) =>
        Processes.RunAsync("dotnet", new[] { Paths.OutpostDll, "--data", _data }.Concat(args), env: env, timeout: TimeSpan.FromSeconds(60));

    [Fact]
    public async Task Postgres_that_cannot_be_reached_refuses_serve_and_the_commands_in_one_sentence_without_the_password()
    {
        var env = new Dictionary<string, string>
        {
            ["OUTPOST__Storage__Provider"] = "postgres",
            // Nothing listens there: every store exists on PostgreSQL, so the node tries the database and is refused.
            ["OUTPOST__Storage__ConnectionString"] = "Host=127.0.0.1;Port=1;Username=outpost;Password=hunter2-secret;Timeout=5",
            ["OUTPOST__Smtp__Submission"] = $"127.0.0.1:{Ports.Free()}",
        };
        foreach (var args in new[] { new[] { "serve" }, ["domain", "list"], ["events"] })
        {
            var result = await RunAsync(env, args);
            Assert.Equal(1, result.ExitCode);   // failed: the database is out of reach (docs/OPERATIONS.md, exit codes), not a configuration error
            var sentence = result.Error.Trim();
            Assert.StartsWith("PostgreSQL at 127.0.0.1:1 cannot be used (", sentence, StringComparison.Ordinal);
            Assert.EndsWith("); check Storage:ConnectionString and that the server is running.", sentence, StringComparison.Ordinal);
            // No store is named missing any more, and the password never shows.
            Assert.DoesNotContain("not on PostgreSQL yet", result.All, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", result.All, StringComparison.Ordinal);
            Assert.Single(sentence.Split('\n'));
            Assert.False(File.Exists(Path.Combine(_data, "outpost.db")), "a PostgreSQL node must not create the SQLite database");
        }
    }

    [Theory]
    [InlineData("mysql", null, "Storage:Provider is 'mysql'; use sqlite (the default: one node, embedded) or postgres (several nodes on one PostgreSQL).")]
    [InlineData("postgres", null, "Storage:Provider is postgres but Storage:ConnectionString is empty; set it to the database's connection string, e.g. Host=db.internal;Database=outpost;Username=outpost;Password=….")]
    [InlineData(null, "Host=db.internal;Password=hunter2-secret", "Storage:ConnectionString is set but Storage:Provider is sqlite; set Storage:Provider to postgres to use that database, or remove the connection string.")]
    public async Task A_wrong_storage_choice_refuses_to_start_in_one_sentence(string? provider, string? connection, string sentence)
    {
        var env = new Dictionary<string, string> { ["OUTPOST__Smtp__Submission"] = $"127.0.0.1:{Ports.Free()}" };
        if (provider is not null)
            env["OUTPOST__Storage__Provider"] = provider;
        if (connection is not null)
            env["OUTPOST__Storage__ConnectionString"] = connection;
        var result = await RunAsync(env, "serve");
        Assert.Equal(78, result.ExitCode);   // EX_CONFIG: a configuration problem
        Assert.Equal(sentence, result.Error.Trim());
        Assert.False(File.Exists(Path.Combine(_data, "outpost.db")), "a refused start must not create the SQLite database");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
