using System.Diagnostics;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>Runs programs to completion (with a time limit) or starts long-running ones.</summary>
public static class Processes
{
    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null,
        IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        using var process = Start(file, args, env, redirectInput: true);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time.\n{await output}\n{await error}");
        }
        return new ProcessResult(process.ExitCode, await output, await error);
    }

    public static Process Start(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        if (env is not null)
            foreach (var (key, value) in env)
                info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("Cannot start " + file);
    }
}
