using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Hosting;

namespace Outpost.Cli;

/// <summary>
/// What a management command works with: the configuration and the engine's services over the same
/// database the server uses (SQLite in WAL mode lets both work at once; PostgreSQL serves any number of clients),
/// registered by <see cref="StorageChoice"/>.
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
        var collection = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddOutpostEngine(options);
        if (StorageChoice.Add(collection, options) is { } refusal)
        {
            // Every command opens its context here; refusing in one place keeps the sentence alone on stderr
            // (an exception would reach the parser's handler and come out with a stack trace).
            Output.Fail(refusal);
            Environment.Exit(1);
        }
        var services = collection.BuildServiceProvider();
        // A command that queues a message (the bounce of a refused review) delivers it at once, as the server would.
        services.AttachDelivery();
        return new CliContext(options, services);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
