using System.CommandLine;

namespace Outpost.Cli;

/// <summary>
/// The one place every command's failure is turned into what a person reads: a usage error is the parser's
/// sentence and exit 2; a refused configuration its lines and exit 78; any other exception one sentence and
/// exit 1, the whole exception only with <c>--verbose</c>. No command ever prints a stack trace unasked.
/// </summary>
public static class CommandLineRunner
{
    public static async Task<int> RunAsync(ParseResult parse)
    {
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine("See 'outpost --help'.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (ConfigurationException e)
        {
            foreach (var line in e.Lines)
                Console.Error.WriteLine(line);
            return ExitCodes.Configuration;
        }
        catch (CommandFailedException e)
        {
            Console.Error.WriteLine(e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Stopped before it finished.");
            return ExitCodes.Failed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(Sentence(e));
            if (parse.GetValue(CliContext.VerboseOption))
                Console.Error.WriteLine(e.ToString());
            return ExitCodes.Failed;
        }
    }

    /// <summary>The innermost message that says something, as one line ending in a full stop.</summary>
    static string Sentence(Exception e)
    {
        var inner = e;
        while (inner is AggregateException or System.Reflection.TargetInvocationException && inner.InnerException is not null)
            inner = inner.InnerException;
        var text = inner.Message.ReplaceLineEndings(" ").Trim();
        if (text.Length == 0)
            text = inner.GetType().Name;
        if (!text.EndsWith('.'))
            text += ".";
        return $"outpost failed: {text} (--verbose shows the details)";
    }
}
