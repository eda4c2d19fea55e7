using System.Text;
using BenchmarkDotNet.Attributes;
using Outpost.Smtp;

namespace Outpost.Benchmarks;

/// <summary>
/// The SMTP layer's hot paths on an in-memory stream: reading and parsing an envelope's commands, and
/// streaming a DATA section (dot-unstuffing, line checks) into a sink that only counts.
/// </summary>
[MemoryDiagnoser]
public class SmtpProtocolBenchmarks
{
    byte[] _envelope = null!;
    byte[] _data1K = null!;
    byte[] _data100K = null!;

    [GlobalSetup]
    public void Setup()
    {
        var envelope = new StringBuilder("MAIL FROM:<alice@example.com> SIZE=102400 BODY=8BITMIME\r\n");
        for (var i = 0; i < 10; i++)
            envelope.Append($"RCPT TO:<customer{i}@remote.example>\r\n");
        _envelope = Encoding.ASCII.GetBytes(envelope.ToString());
        _data1K = Data(1024);
        _data100K = Data(102400);
    }

    /// <summary>A message like smtp-source's: headers, then 78-character lines; every 40th starts with a dot.</summary>
    static byte[] Data(int size)
    {
        var text = new StringBuilder("From: <alice@example.com>\r\nTo: <customer@remote.example>\r\nSubject: load\r\n\r\n");
        for (var line = 0; text.Length < size; line++)
            text.Append(line % 40 == 0 ? ".." : "").Append(line).Append('X', 76).Append("\r\n");
        return Encoding.ASCII.GetBytes(text.Append(".\r\n").ToString());
    }

    [Benchmark(Description = "read + parse MAIL FROM and 10 RCPT TO")]
    public async Task<int> Envelope()
    {
        await using var connection = new SmtpConnection(new MemoryStream(_envelope, writable: false));
        var parsed = 0;
        for (var i = 0; i < 11; i++)
        {
            var (_, line) = await connection.ReadLineAsync(2048, CancellationToken.None);
            var result = i == 0
                ? AddressParser.ParseCommandArgument(line[5..], "FROM", allowNull: true)
                : AddressParser.ParseCommandArgument(line[5..], "TO", allowNull: false);
            if (result.Path is not null)
                parsed++;
        }
        return parsed;
    }

    [Benchmark(Description = "DATA 1 KB into a sink")]
    public Task<long> Data1K() => ReadData(_data1K);

    [Benchmark(Description = "DATA 100 KB into a sink")]
    public Task<long> Data100K() => ReadData(_data100K);

    static async Task<long> ReadData(byte[] bytes)
    {
        await using var connection = new SmtpConnection(new MemoryStream(bytes, writable: false));
        await using var sink = new CountingSink();
        await connection.ReadDataAsync(sink, 30 * 1024 * 1024, 1000, TimeSpan.FromMinutes(1), CancellationToken.None);
        return sink.Bytes;
    }

    sealed class CountingSink : IMessageSink
    {
        public long Bytes { get; private set; }

        public void WriteLine(ReadOnlySpan<byte> line) => Bytes += line.Length + 2;

        public ValueTask<SmtpReply> CommitAsync(CancellationToken cancellationToken) => ValueTask.FromResult(SmtpReplies.Ok);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
