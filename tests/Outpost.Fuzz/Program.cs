using System.Text;
using SharpFuzz;

namespace Outpost.Fuzz;

/// <summary>
/// The fuzzing driver. <c>Outpost.Fuzz TARGET</c> runs one target under AFL++ (SharpFuzz speaks AFL's fork
/// server protocol; each input runs in a child process, so a stack overflow or a hang is caught as well);
/// <c>Outpost.Fuzz TARGET FILE…</c> replays inputs outside the fuzzer and prints, for each that fails,
/// the input and what it threw; <c>Outpost.Fuzz --list</c> names the targets.
/// Talks to: the Outpost assemblies it fuzzes, in process, with fakes for DNS, storage and the network;
/// nothing leaves the process. Security stance: test tooling only, never shipped.
/// </summary>
internal static class Program
{
    static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "--list")
        {
            foreach (var t in FuzzTargets.All)
                Console.WriteLine(t.Name);
            return 0;
        }
        if (args.Length == 0 || FuzzTargets.Find(args[0]) is not { } target)
        {
            Console.Error.WriteLine($"Usage: Outpost.Fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
            return 2;
        }
        if (args.Length == 1)
        {
            Fuzzer.OutOfProcess.Run(stream => target.Run(ReadAll(stream)));
            return 0;
        }
        return Replay(target, args[1..]);
    }

    static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Runs each file once; prints every failure with its input, so a CI log shows what to fix. Exit 1 if any failed.</summary>
    static int Replay(IFuzzTarget target, string[] files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            try
            {
                var run = Task.Run(() => target.Run(input));
                if (!run.Wait(TimeSpan.FromSeconds(10)))
                    throw new FuzzFinding("the input took more than 10 seconds (a hang)");
            }
            catch (Exception ex)
            {
                failed++;
                var error = ex is AggregateException { InnerException: { } inner } ? inner : ex;
                Console.WriteLine($"{target.Name}: {file} ({input.Length} bytes) fails:");
                Console.WriteLine($"  input: {Escape(input)}");
                Console.WriteLine($"  {error.GetType().FullName}: {error.Message}");
                Console.WriteLine(Indent(error.StackTrace ?? ""));
            }
        }
        Console.WriteLine($"{target.Name}: {files.Length - failed} of {files.Length} inputs ran clean");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The input as C# string escapes, cut at 2,000 bytes, so it can be pasted into a regression test.</summary>
    internal static string Escape(ReadOnlySpan<byte> input)
    {
        var text = new StringBuilder("\"");
        foreach (var b in input[..Math.Min(input.Length, 2000)])
        {
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n",
                (byte)'\t' => "\\t",
                (byte)'"' => "\\\"",
                (byte)'\\' => "\\\\",
                >= 0x20 and < 0x7f => ((char)b).ToString(),
                _ => $"\\u{b:x4}",
            });
        }
        text.Append(input.Length > 2000 ? "\"…" : "\"");
        return text.ToString();
    }

    static string Indent(string text) => string.Join('\n', text.Split('\n').Take(12).Select(l => "    " + l.TrimEnd()));
}
