using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Cli;
using Outpost.Engine.Hosting;
using Outpost.Web;

namespace Outpost.Commands;

/// <summary><c>outpost serve</c>: the SMTP listeners, the delivery queue and the HTTP API, until Ctrl+C or SIGTERM.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run Outpost: accept mail over SMTP and deliver it");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (configuration, options) = OutpostConfiguration.Load(parse.GetValue(CliContext.ConfigOption), parse.GetValue(CliContext.DataOption), parse.GetValue(CliContext.EnvironmentOption));
            // Every value was checked in Load; the development placeholders are refused only in Production (exit 78), else logged below.
            var placeholders = Engine.Configuration.OptionsValidator.Check(options).Where(p => p.Placeholder).ToList();
            if (Engine.Configuration.OutpostEnvironment.IsProduction(options) && placeholders.Count > 0)
                throw new ConfigurationException(placeholders.Select(p => p.Line).ToList());
            Directory.CreateDirectory(options.DataDirectory);
            // One server per data directory, for the life of this process: a second one would deliver the same
            // messages twice (SQLite) or run under the same node name (PostgreSQL).
            var (dataLock, locked) = DataDirectoryLock.Take(options.DataDirectory);
            if (locked is not null)
                return Output.Fail(locked);
            using var heldLock = dataLock;
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddConfiguration(configuration);
            builder.Logging.ClearProviders();
            builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
            if (configuration["Logging:Format"] == "json")
                builder.Logging.AddJsonConsole();
            else
                builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            builder.Services.AddOutpostEngine(options);
            // SQLite or PostgreSQL, chosen in one place; a wrong choice, a store PostgreSQL lacks or a database
            // out of reach refuses the start with its sentence before anything listens.
            StorageChoice.Add(builder.Services, options);
            builder.Services.AddOutpostServer().AddOutpostWeb().AddOutpostTelemetry(options.Telemetry);
            ServiceManager.Add(builder.Services);
            var http = options.Http.Listen;
            if (!string.IsNullOrWhiteSpace(http))
            {
                var endpoint = System.Net.IPEndPoint.Parse(http);
                builder.WebHost.ConfigureKestrel(k =>
                {
                    k.Listen(endpoint, listen =>
                    {
                        if (options.Http.Tls)
                            listen.UseHttps(Outpost.Engine.Hosting.CertificateProvider.Load(options));
                    });
                    // A message sent as JSON carries its attachments in base64, a third larger than the message limit.
                    k.Limits.MaxRequestBodySize = options.Smtp.MaxMessageSize * 4 / 3 + 1024 * 1024;
                });
            }
            else
            {
                builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
            }
            await using var app = builder.Build();
            app.Services.AttachDelivery();
            // Before anything listens: what an earlier version stored unsealed is sealed with the key ring.
            await app.Services.ResealSecretsAsync(cancellationToken);
            app.MapOutpostApi();
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost");
            foreach (var placeholder in placeholders)
                log.LogWarning("{Line} (refused when Environment is Production)", placeholder.Line);
            log.LogInformation("Outpost starting; data in {DataDirectory}; admin pages and HTTP API on {Http}", options.DataDirectory,
                    string.IsNullOrWhiteSpace(http) ? "(off)" : (options.Http.Tls ? "https://" : "http://") + http);
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
