using Microsoft.Extensions.Configuration;
using Outpost.Engine.Configuration;

namespace Outpost.Cli;

/// <summary>
/// Configuration in .NET's usual layers, later ones winning: the shipped <c>outpost.json</c> beside the
/// program, for the packaged program <c>/etc/outpost/outpost.json</c>, <c>outpost.json</c> in the working directory, the file named by <c>--config</c>, variables
/// <c>OUTPOST__Section__Key</c>, and finally <c>--data</c>.
/// </summary>
public static class OutpostConfiguration
{
    public static (IConfiguration Configuration, OutpostOptions Options) Load(string? configFile, string? dataDirectory)
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
                throw new FileNotFoundException($"The configuration file {configFile} does not exist.");
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }
        builder.AddEnvironmentVariables("OUTPOST__");
        var configuration = builder.Build();
        var options = new OutpostOptions();
        configuration.Bind(options);
        if (dataDirectory is not null)
            options.DataDirectory = dataDirectory;
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        return (configuration, options);
    }
}
