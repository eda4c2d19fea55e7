using Microsoft.Extensions.Time.Testing;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// The frame of a contract suite: a clock, and a fresh <see cref="StoreSet"/> of the back end under test,
/// opened on first use and disposed after the test. A back end runs a suite by deriving a class that says
/// how to open its set.
/// </summary>
public abstract class StoreContract : IDisposable
{
    readonly Lazy<StoreSet> _stores;

    protected StoreContract() => _stores = new(() => Open(Time));

    protected FakeTimeProvider Time { get; } = StoreSet.NewClock();

    protected DateTimeOffset Now => Time.GetUtcNow();

    protected StoreSet Stores => _stores.Value;

    /// <summary>A fresh, empty set of stores of the back end under test, on <paramref name="time"/>.</summary>
    protected abstract StoreSet Open(TimeProvider time);

    public void Dispose()
    {
        if (_stores.IsValueCreated)
            _stores.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
