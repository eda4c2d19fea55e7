namespace Outpost.Cli;

/// <summary>
/// Where the .deb puts things: the program in <c>/usr/lib/outpost/</c> (linked from <c>/usr/bin/outpost</c>),
/// the operator's configuration in <c>/etc/outpost/outpost.json</c>, the data in <c>/var/lib/outpost</c>, run
/// as the user <c>outpost</c>. Found relative to the program, so a package unpacked under another root
/// (the packaging test) finds its own <c>etc/</c>.
/// </summary>
public static class PackageLayout
{
    public const string User = "outpost";
    public const string DataDirectory = "/var/lib/outpost";

    /// <summary>Whether this is the packaged program (it lives in <c>…/usr/lib/outpost/</c>).</summary>
    public static bool IsInstalled { get; } =
        Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory).EndsWith("/usr/lib/outpost", StringComparison.Ordinal);

    /// <summary>The packaged configuration file, read after the program's defaults when the program is the packaged one.</summary>
    public static string ConfigFile { get; } =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "etc", "outpost", "outpost.json"));
}
