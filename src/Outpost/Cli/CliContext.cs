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
    public static readonly Option<string?> EnvironmentOption = new("--environment") { Description = "Development or Production (default: OUTPOST_ENVIRONMENT, else the Environment key, else Development)", Recursive = true };
    public static readonly Option<bool> VerboseOption = new("--verbose") { Description = "On failure, print the whole exception too", Recursive = true };

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
        OutpostConfiguration.Load(parse.GetValue(ConfigOption), parse.GetValue(DataOption), parse.GetValue(EnvironmentOption)).Options;

    public static CliContext Create(ParseResult parse)
    {
        var options = LoadOptions(parse);
        var collection = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddOutpostEngine(options);
        // Every command opens its context here; the refusal reaches Program's handler as its sentence alone.
        StorageChoice.Add(collection, options);
        var services = collection.BuildServiceProvider();
        // A command that queues a message (the bounce of a refused review) delivers it at once, as the server would.
        services.AttachDelivery();
        return new CliContext(options, services);
    }

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
