using System.Text.Json;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>A message the scripted MX accepted: its exact bytes and its envelope; <see cref="PeerPort"/> tells the connections apart.</summary>
public sealed record ReceivedMessage(byte[] Data, string MailFrom, IReadOnlyList<string> Recipients, string Peer, int PeerPort, bool Tls, IReadOnlyList<string> MailOptions)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Data);

    public static ReceivedMessage Load(string emlPath)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(emlPath, ".json")));
        var root = meta.RootElement;
        return new ReceivedMessage(File.ReadAllBytes(emlPath), root.GetProperty("mail_from").GetString()!,
            root.GetProperty("rcpt_tos").EnumerateArray().Select(e => e.GetString()!).ToList(),
            root.GetProperty("peer").GetString()!, root.GetProperty("peer_port").GetInt32(), root.GetProperty("tls").GetBoolean(),
            root.GetProperty("mail_options").EnumerateArray().Select(e => e.GetString()!).ToList());
    }
}
