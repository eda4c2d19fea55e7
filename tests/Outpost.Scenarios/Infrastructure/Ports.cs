using System.Net;
using System.Net.Sockets;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>Free TCP ports on loopback, for servers the tests start.</summary>
public static class Ports
{
    static readonly HashSet<(string, int)> HandedOut = [];

    /// <summary>
    /// A port nothing listens on now and that this test run has not handed out before: the system may
    /// give a just-released port again, and a server given the same port twice dies at start.
    /// </summary>
    public static int Free(string address = "127.0.0.1")
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Parse(address), 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add((address, port)))
                    return port;
            }
        }
    }

    public static async Task WaitUntilOpenAsync(string address, int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Parse(address), port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}
