using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Hosting;
using Outpost.Storage.Sqlite;

namespace Outpost.Cli;

/// <summary>
/// What a management command works with: the configuration and the engine's services over the same
/// database the server uses (SQLite in WAL mode lets both work at once).
/// </summary>
public sealed class CliContext : IAsyncDisposable
{
    public static readonly Option<string?> DataOption = new("--data") { Description = "Data directory (database, spool, mailboxes)", Recursive = true };
    public static readonly Option<string?> ConfigOption = new("--config") { Description = "Configuration file (default: outpost.json)", Recursive = true };

    readonly ServiceProvider _services;

    CliContext(OutpostOptions options, ServiceProvider services)
    {
        Options = options;
        _services = services;
    }

    public OutpostOptions Options { get; }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The configuration alone, for commands that need no database (training, evaluating a model).</summary>
    public static OutpostOptions LoadOptions(ParseResult parse) =>
        OutpostConfiguration.Load(parse.GetValue(ConfigOption), parse.GetValue(DataOption)).Options;

    public static CliContext Create(ParseResult parse)
    {
        var options = LoadOptions(parse);
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddOutpostEngine(options)
            .AddOutpostSqlite(options.DataDirectory)
            .BuildServiceProvider();
        // A command that queues a message (the bounce of a refused review) delivers it at once, as the server would.
        services.AttachDelivery();
        return new CliContext(options, services);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
