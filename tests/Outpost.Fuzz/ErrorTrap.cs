using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace Outpost.Fuzz;

/// <summary>
/// A logger that keeps the first exception logged at Error: the SMTP session catches what it did not
/// expect, logs it and answers 451, so for the fuzzer a logged error is the crash.
/// </summary>
internal sealed class ErrorTrap : ILogger
{
    ExceptionDispatchInfo? _first;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Error || _first is not null)
            return;
        _first = exception is null
            ? ExceptionDispatchInfo.Capture(new FuzzFinding("logged an error: " + formatter(state, null)))
            : ExceptionDispatchInfo.Capture(exception);
    }

    /// <summary>Throws what was logged, with its own stack trace.</summary>
    public void ThrowIfAny() => _first?.Throw();
}
