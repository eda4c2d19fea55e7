using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Spool;

/// <summary>
/// Removes the spool files of finished messages, once their final state is on disk. Delivery outcomes
/// are committed without waiting for the disk (<see cref="IQueueStore.RecordOutcomesAsync"/>): after a
/// power cut one may be missing, and its message is simply tried again. For that, its spool file must
/// still be there. So finished files wait here; every few hundred milliseconds one durable commit
/// (<see cref="IQueueStore.MakeDurableAsync"/>) covers every outcome before it, and then they go.
/// Under load that is one disk sync for hundreds of deliveries instead of one each.
/// </summary>
public sealed class SpoolReaper : IAsyncDisposable
{
    static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(200);
    readonly Channel<string> _finished = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    readonly IQueueStore _store;
    readonly ILogger _logger;
    readonly SemaphoreSlim _flush = new(1, 1);
    readonly Task _loop;

    public SpoolReaper(IQueueStore store, ILogger<SpoolReaper> logger)
    {
        _store = store;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The message of <paramref name="spoolPath"/> has no open recipient left; its file goes once that is durable.</summary>
    public void Finished(string spoolPath)
    {
        if (!_finished.Writer.TryWrite(spoolPath))
            _logger.LogWarning("Shutting down: spool file {Path} stays until the next cleanup", spoolPath);
    }

    /// <summary>Makes every outcome so far durable and removes the files waiting for it.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flush.WaitAsync(cancellationToken);
        try
        {
            var paths = new List<string>();
            while (_finished.Reader.TryRead(out var path))
                paths.Add(path);
            if (paths.Count == 0)
                return;
            try
            {
                await _store.MakeDurableAsync(cancellationToken);
            }
            catch
            {
                foreach (var path in paths)
                    _finished.Writer.TryWrite(path);
                throw;
            }
            foreach (var path in paths)
                MessageSpool.Delete(path);
        }
        finally
        {
            _flush.Release();
        }
    }

    async Task RunAsync()
    {
        while (await _finished.Reader.WaitToReadAsync())
        {
            try
            {
                await Task.Delay(Gather);
                await FlushAsync();
            }
            catch (Exception ex)
            {
                // The files stay; the next round tries again with them and whatever came since.
                _logger.LogError(ex, "Cannot make finished deliveries durable; their spool files stay for now");
                await Task.Delay(Gather);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _finished.Writer.TryComplete();
        await _loop;
        await FlushAsync();
        _flush.Dispose();
    }
}
