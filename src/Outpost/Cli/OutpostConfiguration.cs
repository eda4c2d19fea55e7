using Microsoft.Extensions.Configuration;
using Outpost.Engine.Configuration;

namespace Outpost.Cli;

/// <summary>
/// Configuration in .NET's usual layers, later ones winning: the shipped <c>outpost.json</c> beside the
/// program, for the packaged program <c>/etc/outpost/outpost.json</c>, <c>outpost.json</c> in the working directory, the file named by <c>--config</c>, variables
/// <c>OUTPOST__Section__Key</c>, and finally <c>--data</c> and the environment (<c>OUTPOST_ENVIRONMENT</c>,
/// then <c>--environment</c>). Unknown keys, values of the wrong type and values out of range refuse the
/// configuration (<see cref="ConfigurationException"/>, exit 78), all of them at once, one line each.
/// </summary>
public static class OutpostConfiguration
{
    public static (IConfiguration Configuration, OutpostOptions Options) Load(string? configFile, string? dataDirectory, string? environment = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "outpost.json"), optional: true);
        // The packaged program also reads the operator's /etc/outpost/outpost.json (which names /var/lib/outpost).
        if (PackageLayout.IsInstalled)
            builder.AddJsonFile(PackageLayout.ConfigFile, optional: true);
        builder
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "outpost.json"), optional: true);
        if (configFile is not null)
        {
            if (!File.Exists(configFile))
                throw new ConfigurationException([$"The configuration file {configFile} does not exist."]);
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        builder.AddEnvironmentVariables("OUTPOST__");
        IConfigurationRoot configuration;
        try
        {
            configuration = builder.Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException)
        {
            // A JSON syntax error: the parser's message names the file, the line and the position.
            throw new ConfigurationException([$"The configuration file could not be read: {e.InnerException?.Message ?? e.Message}"]);
        }
        if (ConfigurationTree.Problems(configuration) is { Count: > 0 } unknown)
            throw new ConfigurationException(unknown);
        var options = new OutpostOptions();
        configuration.Bind(options);
        if (dataDirectory is not null)
            options.DataDirectory = dataDirectory;
        if (Environment.GetEnvironmentVariable("OUTPOST_ENVIRONMENT") is { Length: > 0 } variable)
            options.Environment = variable;
        if (environment is not null)
            options.Environment = environment;
        var problems = OptionsValidator.Check(options).Where(p => !p.Placeholder).Select(p => p.Line).ToList();
        if (problems.Count > 0)
            throw new ConfigurationException(problems);
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        return (configuration, options);
    }
}
