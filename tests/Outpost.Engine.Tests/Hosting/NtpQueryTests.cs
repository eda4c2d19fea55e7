using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Outpost.Engine.Hosting;

namespace Outpost.Engine.Tests.Hosting;

/// <summary>The SNTP query against a responder on a loopback UDP socket in the test: the offset's sign and size, and what is not believed.</summary>
public sealed class NtpQueryTests
{
    [Fact]
    public void Timestamps_round_trip_and_wrap_into_era_one_after_2036()
    {
        foreach (var t in new[] { new DateTimeOffset(2026, 12, 1, 20, 0, 0, 123, TimeSpan.Zero), new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero) })
            Assert.InRange((NtpQuery.Decode(NtpQuery.Encode(t)) - t).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.Equal(2_208_988_800UL << 32, NtpQuery.Encode(DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData(45.0)]
    [InlineData(-5.0)]
    public async Task The_offset_is_the_local_clock_minus_the_servers(double serverAhead)
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var answering = Answer(server, TimeSpan.FromSeconds(serverAhead));
        var (offset, error) = await NtpQuery.OffsetAsync((IPEndPoint)server.Client.LocalEndPoint!, TimeProvider.System, TimeSpan.FromSeconds(5), default);
        await answering;
        Assert.Null(error);
        Assert.InRange(offset!.Value.TotalSeconds, -serverAhead - 0.5, -serverAhead + 0.5);
    }

    [Fact]
    public async Task An_unsynchronised_server_is_not_believed()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var answering = Answer(server, TimeSpan.Zero, stratum: 0);
        var (offset, error) = await NtpQuery.OffsetAsync((IPEndPoint)server.Client.LocalEndPoint!, TimeProvider.System, TimeSpan.FromSeconds(5), default);
        await answering;
        Assert.Null(offset);
        Assert.Equal("it refused to answer (stratum 0)", error);
    }

    [Fact]
    public async Task A_reply_that_does_not_echo_the_request_is_ignored_until_the_timeout()
    {
        using var server = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var answering = Answer(server, TimeSpan.FromHours(1), echo: false);
        var (offset, error) = await NtpQuery.OffsetAsync((IPEndPoint)server.Client.LocalEndPoint!, TimeProvider.System, TimeSpan.FromMilliseconds(500), default);
        await answering;
        Assert.Null(offset);
        Assert.Equal("no answer within 0.5 s", error);
    }

    /// <summary>Answers one request as a server whose clock is <paramref name="shift"/> ahead.</summary>
    static async Task Answer(UdpClient server, TimeSpan shift, byte stratum = 2, bool echo = true)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var request = await server.ReceiveAsync(limit.Token);
        var reply = new byte[48];
        reply[0] = (4 << 3) | 4;
        reply[1] = stratum;
        var now = NtpQuery.Encode(DateTimeOffset.UtcNow + shift);
        if (echo)
            request.Buffer.AsSpan(40, 8).CopyTo(reply.AsSpan(24));
        BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(32), now);
        BinaryPrimitives.WriteUInt64BigEndian(reply.AsSpan(40), now);
        await server.SendAsync(reply, request.RemoteEndPoint, limit.Token);
    }
}
