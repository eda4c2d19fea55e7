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
            var (configuration, options) = OutpostConfiguration.Load(parse.GetValue(CliContext.ConfigOption), parse.GetValue(CliContext.DataOption));
            // A typo in a retention period, the idempotency window or the webhooks' schedule must not go live: they decide what is deleted and what is sent twice.
            if ((options.Retention.Problem() ?? options.Api.Problem() ?? options.Webhooks.Problem()) is { } problem)
                return Output.Fail(problem);
            // A feedback address with a typo would let complaints go to a mailbox, or nowhere.
            if (options.Complaints.Problem() is { } complaints)
                return Output.Fail(complaints);
            Directory.CreateDirectory(options.DataDirectory);
            // Held until the process ends: a second server, or a restore, on this data directory is refused.
            using var serverLock = ServerLock.TryAcquire(options.DataDirectory);
            if (serverLock is null)
                return Output.Fail($"Another outpost serve is running on the data directory {options.DataDirectory}.");
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
            if (StorageChoice.Add(builder.Services, options) is { } refusal)
                return Output.Fail(refusal);
            builder.Services.AddOutpostServer().AddOutpostWeb();
            ServiceManager.Add(builder.Services);
            var http = options.Http.Listen;
            if (!string.IsNullOrWhiteSpace(http))
            {
                if (!System.Net.IPEndPoint.TryParse(http, out var endpoint) || endpoint.Port == 0)
                    throw new ArgumentException($"Http:Listen: '{http}' is not an address and port like 127.0.0.1:8080.");
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
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Outpost")
                .LogInformation("Outpost starting; data in {DataDirectory}; admin pages and HTTP API on {Http}", options.DataDirectory,
                    string.IsNullOrWhiteSpace(http) ? "(off)" : (options.Http.Tls ? "https://" : "http://") + http);
            await app.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
