using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Hosting;

/// <summary>
/// Whether this node can take and deliver mail now, for <c>/readyz</c>: the database answers, the spool takes a
/// file, the SMTP listeners are up, and the queue is not stuck (nothing has been due for longer than
/// <see cref="StuckAfter"/> while delivery runs). Talks to the queue store, the spool directory and the SMTP
/// host. Security stance: the answer is a name and ok or not-ready per check, never an error text, a path or a count.
/// </summary>
public sealed class ReadinessProbe(IQueueStore queue, MessageSpool spool, SmtpHostedService smtp, TimeProvider time)
{
    /// <summary>Far beyond a retry that waits for a free connection; a recipient due this long is not being worked.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(15);

    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<(string Check, bool Ok)>> CheckAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        DateTimeOffset? nextDue = null;
        var database = await Try(async () => nextDue = await queue.NextDueAsync(limit.Token));
        var spoolOk = await Try(async () =>
        {
            // A name no queue id has, so the spool sweeper and delivery never take it for a message.
            var probe = Path.Combine(spool.Root, ".ready-" + Guid.NewGuid().ToString("N"));
            await File.WriteAllBytesAsync(probe, [1], limit.Token);
            File.Delete(probe);
        });
        var stuck = database && nextDue is { } due && time.GetUtcNow() - due > StuckAfter;
        return
        [
            ("database", database),
            ("spool", spoolOk),
            ("listeners", smtp.Listening),
            ("queue", database && !stuck),
        ];
    }

    static async Task<bool> Try(Func<Task> check)
    {
        try
        {
            await check();
            return true;
        }
        catch (Exception)
        {
            // Any failure is "not ready"; what failed is for the log and the doctor, not for an unauthenticated caller.
            return false;
        }
    }
}
