using Microsoft.Extensions.DependencyInjection;
using Outpost.Engine.Secrets;

namespace Outpost.Engine.Tests.Secrets;

/// <summary>A sealer over a data directory's key ring, registered the way the engine registers it.</summary>
public static class TestSecrets
{
    public static SecretSealer Sealer(string dataDirectory) =>
        new ServiceCollection().AddOutpostSecrets(dataDirectory).BuildServiceProvider().GetRequiredService<SecretSealer>();
}
