using System.Text;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Writes a message into a hosted mailbox in Maildir form (<c>&lt;data&gt;/mailboxes/&lt;domain&gt;/&lt;local&gt;/Maildir</c>),
/// the way Dovecot and every Maildir reader expect: the file is written in tmp, fsynced, renamed into
/// new, and new is fsynced. A reader never sees half a message.
/// </summary>
public sealed class MaildirWriter
{
    static long _counter;
    readonly string _root;

    public MaildirWriter(string dataDirectory)
    {
        _root = Path.Combine(Path.GetFullPath(dataDirectory), "mailboxes");
    }

    public string MaildirOf(string address)
    {
        var at = address.IndexOf('@');
        var local = address[..at];
        var domain = address[(at + 1)..];
        var path = Path.GetFullPath(Path.Combine(_root, domain, local, "Maildir"));
        // Mailbox names are checked when made; this guards the file system all the same.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || local.Contains('/') || local.StartsWith('.'))
            throw new ArgumentException($"Unsafe mailbox name {address}.");
        return path;
    }

    /// <summary>Delivers the spool file with Return-Path and Delivered-To on top; returns the file's path.</summary>
    public async Task<string> DeliverAsync(string address, string sender, string spoolPath, CancellationToken cancellationToken = default)
    {
        await using var source = MessageSpool.OpenRead(spoolPath);
        return await DeliverAsync(address, sender, source, cancellationToken);
    }

    /// <summary>Delivers a message body (from the body store, at its start) with Return-Path and Delivered-To on top; returns the file's path.</summary>
    public async Task<string> DeliverAsync(string address, string sender, Stream source, CancellationToken cancellationToken = default)
    {
        var maildir = MaildirOf(address);
        var tmp = Path.Combine(maildir, "tmp");
        var @new = Path.Combine(maildir, "new");
        if (!Directory.Exists(tmp))
        {
            // A Maildir someone made by hand may lack a part; make whatever is missing.
            Directory.CreateDirectory(tmp);
            Directory.CreateDirectory(@new);
            Directory.CreateDirectory(Path.Combine(maildir, "cur"));
        }

        var unique = $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.M{DateTime.UtcNow.Ticks / 10 % 1_000_000}P{Environment.ProcessId}Q{Interlocked.Increment(ref _counter)}.{Environment.MachineName}";
        var tmpPath = Path.Combine(tmp, unique);
        long size;
        await using (var target = MessageSpool.CreatePrivate(tmpPath))
        {
            var head = Encoding.UTF8.GetBytes($"Return-Path: <{sender}>\r\nDelivered-To: {address}\r\n");
            await target.WriteAsync(head, cancellationToken);
            await source.CopyToAsync(target, 64 * 1024, cancellationToken);
            target.Flush(flushToDisk: true);
            size = target.Length;
        }
        var finalPath = Path.Combine(@new, $"{unique},S={size}");
        File.Move(tmpPath, finalPath);
        FileSync.Directory(@new);
        return finalPath;
    }
}
