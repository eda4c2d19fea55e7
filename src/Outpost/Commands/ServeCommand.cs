using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Cli;
using Outpost.Engine.Hosting;
using Outpost.Storage.Sqlite;

namespace Outpost.Commands;

/// <summary><c>outpost serve</c>: the SMTP listeners and the delivery queue, until Ctrl+C or SIGTERM.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run Outpost: accept mail over SMTP and deliver it");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (configuration, options) = OutpostConfiguration.Load(parse.GetValue(CliContext.ConfigOption), parse.GetValue(CliContext.DataOption));
            Directory.CreateDirectory(options.DataDirectory);
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { Configuration = (ConfigurationManager?)null });
            builder.Configuration.AddConfiguration(configuration);
            builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
            if (configuration["Logging:Format"] == "json")
                builder.Logging.AddJsonConsole();
            else
                builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Services.AddOutpostEngine(options).AddOutpostSqlite(options.DataDirectory).AddOutpostServer();
            using var host = builder.Build();
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost")
                .LogInformation("Outpost starting; data in {DataDirectory}", options.DataDirectory);
            await host.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
