using System.Diagnostics;

namespace Outpost.Cli;

/// <summary>
/// The packaged program run as root (<c>sudo outpost domain add …</c>) runs as the service's user instead:
/// it starts itself again under <c>outpost</c> with <c>setpriv</c> and passes on its exit code, so every file
/// it creates in <c>/var/lib/outpost</c> (the database, keys, the key ring) is the service's, which could not
/// open a root-owned 0600 database. A development build, or a machine without the user, is left alone.
/// Security: root is given up before any file is opened; only the user's own groups are kept.
/// </summary>
public static class ServiceAccount
{
    const string SetprivPath = "/usr/bin/setpriv";

    /// <summary>The exit code of the same command run as the service's user, or null to go on in this process.</summary>
    public static int? RunAsServiceUser(string[] args)
    {
        if (!PackageLayout.IsInstalled || !OperatingSystem.IsLinux() || Environment.UserName != "root" || !UserExists(PackageLayout.User))
            return null;
        if (!File.Exists(SetprivPath))
        {
            Console.Error.WriteLine($"Run as root, outpost runs as the user {PackageLayout.User}, which needs {SetprivPath} (util-linux); run it as {PackageLayout.User} instead.");
            return 1;
        }
        var start = new ProcessStartInfo(SetprivPath) { UseShellExecute = false };
        foreach (var argument in new[] { $"--reuid={PackageLayout.User}", $"--regid={PackageLayout.User}", "--init-groups", "--", Environment.ProcessPath! }.Concat(args))
            start.ArgumentList.Add(argument);
        // The service's home, not root's: nothing of root's environment decides where files go.
        start.Environment["HOME"] = PackageLayout.DataDirectory;
        using var child = Process.Start(start)!;
        // Ctrl+C reaches both processes (one process group); this one waits for the child to finish.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        child.WaitForExit();
        return child.ExitCode;
    }

    static bool UserExists(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(line => line.StartsWith(name + ":", StringComparison.Ordinal));
}
