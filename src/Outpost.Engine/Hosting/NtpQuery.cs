using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Outpost.Engine.Hosting;

/// <summary>
/// One SNTP query (RFC 4330) over UDP: how far the local clock is from a time server's, for the doctor's
/// clock check. The answer is believed only when it echoes our transmit time as its originate time, comes
/// from the server asked, is a server's (mode 4) and is synchronised (stratum 1–15, leap not "unsynchronised"),
/// so a stray or spoofed datagram is ignored rather than trusted. Talks to the one server it is given, once.
/// </summary>
public static class NtpQuery
{
    const int PacketLength = 48;
    /// <summary>Seconds from the NTP era (1900-01-01) to the Unix epoch.</summary>
    const long EraOffset = 2_208_988_800L;

    /// <summary>The local clock minus the server's (positive: the local clock is ahead), or null with the reason.</summary>
    public static async Task<(TimeSpan? Offset, string? Error)> OffsetAsync(IPEndPoint server, TimeProvider time, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var request = new byte[PacketLength];
        request[0] = 0x23; // leap 0, version 4, mode 3 (client)
        var sent = time.GetUtcNow();
        var stamp = Encode(sent);
        BinaryPrimitives.WriteUInt64BigEndian(request.AsSpan(40), stamp);
        var reply = new byte[512];
        try
        {
            socket.Connect(server); // a connected UDP socket takes datagrams from this server only
            await socket.SendAsync(request, SocketFlags.None, limit.Token);
            while (true)
            {
                var n = await socket.ReceiveAsync(reply, SocketFlags.None, limit.Token);
                var received = time.GetUtcNow();
                if (n < PacketLength || BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(24)) != stamp)
                    continue; // not the answer to this request
                var mode = reply[0] & 0x7;
                var leap = reply[0] >> 6;
                var stratum = reply[1];
                if (mode != 4 || leap == 3 || stratum is 0 or > 15)
                    return (null, stratum == 0 ? "it refused to answer (stratum 0)" : "it says it is not synchronised itself");
                var serverReceived = Decode(BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(32)));
                var serverSent = Decode(BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(40)));
                // RFC 4330 §5: offset = ((T2 - T1) + (T3 - T4)) / 2 is the server minus the local clock.
                var serverAhead = ((serverReceived - sent) + (serverSent - received)) / 2;
                return (-serverAhead, null);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            return (null, e.SocketErrorCode == SocketError.ConnectionRefused ? "nothing answers on its port" : e.Message.TrimEnd('.'));
        }
    }

    /// <summary>A time as an NTP timestamp: 32 bits of seconds since 1900 (wrapping in 2036, era 1 as RFC 4330 says), 32 of fraction.</summary>
    public static ulong Encode(DateTimeOffset t)
    {
        var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + EraOffset * TimeSpan.TicksPerSecond;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond) & 0xFFFF_FFFF;
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    /// <summary>An NTP timestamp as a time; seconds below 2^31 belong to era 1 (from 2036), as RFC 4330 §3 suggests.</summary>
    public static DateTimeOffset Decode(ulong stamp)
    {
        var seconds = (long)(stamp >> 32);
        if (seconds < 0x8000_0000L)
            seconds += 1L << 32;
        var fractionTicks = (long)((stamp & 0xFFFF_FFFF) * TimeSpan.TicksPerSecond >> 32);
        return DateTimeOffset.UnixEpoch.AddTicks((seconds - EraOffset) * TimeSpan.TicksPerSecond + fractionTicks);
    }
}
