namespace Outpost.Engine.Configuration;

/// <summary>
/// Which kind of installation this is. Production refuses the development placeholders (the host name
/// localhost, the example SPF include, a self-signed certificate on a public listener); Development only
/// warns about them. Given by the <c>Environment</c> key, <c>OUTPOST_ENVIRONMENT</c> or <c>--environment</c>.
/// </summary>
public static class OutpostEnvironment
{
    public const string Development = "Development";
    public const string Production = "Production";

    public static bool IsKnown(string? name) =>
        string.Equals(name, Development, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Production, StringComparison.OrdinalIgnoreCase);

    public static bool IsProduction(OutpostOptions options) => string.Equals(options.Environment, Production, StringComparison.OrdinalIgnoreCase);
}
