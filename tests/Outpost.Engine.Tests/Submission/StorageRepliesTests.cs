using Microsoft.Data.Sqlite;
using Outpost.Engine.Spool;
using Outpost.Engine.Submission;
using Outpost.Smtp;

namespace Outpost.Engine.Tests.Submission;

/// <summary>
/// Storage that runs out is told apart from other failures by the errors the system really raises: a write to
/// /dev/full (ENOSPC) and a SQLite database that may not grow (SQLITE_FULL through max_page_count).
/// </summary>
public sealed class StorageRepliesTests
{
    [Fact]
    public void A_write_to_a_full_device_is_disk_full_and_answers_452()
    {
        if (!File.Exists("/dev/full"))
            return; // Linux only; elsewhere the check is the same HResult test.
        using var temp = new TempDirectory();
        var spool = new MessageSpool(temp.Path);
        var error = Assert.ThrowsAny<IOException>(() =>
        {
            using var full = new FileStream("/dev/full", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            full.Write(new byte[4096]);
        });
        Assert.True(MessageSpool.IsDiskFull(error), $"HResult {error.HResult}: {error.Message}");
        Assert.Equal(StorageReplies.DiskFull, StorageReplies.For(error, spool, reserve: 0));
        Assert.Equal("452 4.3.1 Not enough disk space to accept mail now; try again later", StorageReplies.DiskFull.ToString());
    }

    [Fact]
    public void Another_io_error_with_room_on_the_disk_is_the_local_error()
    {
        using var temp = new TempDirectory();
        var spool = new MessageSpool(temp.Path);
        Assert.Equal(SmtpReplies.LocalError, StorageReplies.For(new IOException("broken"), spool, reserve: 1));
        // The same error with the disk below the reserve is a full disk.
        Assert.Equal(StorageReplies.DiskFull, StorageReplies.For(new IOException("broken"), spool, reserve: long.MaxValue));
        Assert.True(StorageReplies.IsBelowReserve(spool, long.MaxValue));
        Assert.False(StorageReplies.IsBelowReserve(spool, 0));
    }

    [Fact]
    public void A_database_that_cannot_grow_is_database_full_and_answers_451_with_its_sentence()
    {
        using var temp = new TempDirectory();
        var spool = new MessageSpool(temp.Path);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(temp.Path, "full.db")};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA max_page_count = 8; CREATE TABLE t (x BLOB);";
            setup.ExecuteNonQuery();
        }
        var error = Assert.Throws<SqliteException>(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO t VALUES (zeroblob(4096))";
                insert.ExecuteNonQuery();
            }
        });
        Assert.Equal(13, error.SqliteErrorCode);
        Assert.Equal(StorageReplies.DatabaseFull, StorageReplies.For(error, spool, reserve: 0));
        Assert.Equal(SmtpReplies.LocalError, StorageReplies.For(new SqliteException("busy", 5), spool, reserve: 0));
    }
}
