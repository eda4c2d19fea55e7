namespace Outpost.Scenarios.Infrastructure;

/// <summary>Waits for something that happens asynchronously; generous, because tests never fail for being slow.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await probe();
            if (value is not null)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("Timed out waiting for " + what);
            await Task.Delay(100);
        }
    }

    public static Task<T> GetAsync<T>(Func<T?> probe, string what, TimeSpan? timeout = null) where T : class =>
        GetAsync(() => Task.FromResult(probe()), what, timeout);
}
