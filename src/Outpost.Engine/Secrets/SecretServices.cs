using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Outpost.Engine.Secrets;

/// <summary>
/// Registers Data Protection with its key ring in the data directory, and the <see cref="SecretSealer"/>
/// over it. The admin pages' cookies and antiforgery tokens use the same ring, so sessions survive a restart.
/// </summary>
public static class SecretServices
{
    /// <summary>
    /// The application name every Outpost process shares: Data Protection otherwise isolates applications by
    /// their install path, and a command run from another directory (or a restored copy) could not open
    /// what the server sealed.
    /// </summary>
    public const string ApplicationName = "outpost";

    public static IServiceCollection AddOutpostSecrets(this IServiceCollection services, string dataDirectory)
    {
        var keyRing = Path.Combine(Path.GetFullPath(dataDirectory), KeyRingDirectory.DirectoryName);
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new KeyRingDirectory(keyRing));
        // The key manager warns that keys are stored unencrypted; here the ring's 0700/0600 permissions guard
        // them (as for the DKIM keys), and the warning on every first start would only alarm operators.
        services.AddLogging(l => l.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error));
        services.AddSingleton(new SecretBox(dataDirectory));
        services.AddSingleton(sp => new SecretSealer(sp.GetRequiredService<IDataProtectionProvider>(), sp.GetRequiredService<SecretBox>(), keyRing));
        return services;
    }
}
