using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// A test that needs a small file system of its own (mount -t tmpfs, as root). Where mounting is impossible
/// (not root, a container without the capability) the test is skipped with that sentence, not failed.
/// </summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    static readonly Lazy<string?> Problem = new(Probe);

    public TmpfsFactAttribute()
    {
        if (Problem.Value is { } problem)
            Skip = problem;
    }

    static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "A tmpfs can be mounted only on Linux.";
        var directory = Path.Combine(Path.GetTempPath(), "outpost-tmpfs-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        try
        {
            var mount = Run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", directory);
            if (mount is not null)
                return $"Cannot mount a tmpfs here (the test needs root): {mount}";
            Run("umount", directory);
            return null;
        }
        finally
        {
            try
            {
                Directory.Delete(directory);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Runs a command; null when it succeeded, else what it said.</summary>
    public static string? Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return $"{program} did not finish";
            }
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return ex.Message;
        }
    }
}
