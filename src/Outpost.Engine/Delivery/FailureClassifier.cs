using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using MimeKit;
using Outpost.Engine.Bounces;
using Outpost.Engine.Dns;
using Outpost.Smtp.Client;

namespace Outpost.Engine.Delivery;

/// <summary>
/// The one place that says what goes wrong in a remote try and what it counts as: a remote reply (read by
/// the bounce rules, <see cref="BounceClassifier"/>), an exception while connecting or sending, a channel
/// that cannot use its address, a destination DNS says has no mail server, every channel cooling down.
/// Each becomes the reply its attempt records and the class that decides between waiting, failing over
/// and bouncing. Replies are made one line, so the send log and a bounce quote them as they came.
/// </summary>
public static class FailureClassifier
{
    static BounceClassifier Rules => BounceClassifier.Default;

    /// <summary>What waits when no channel may be tried now.</summary>
    public static TryFailure CoolingDown { get; } =
        Of(451, "451 4.4.0 Every channel is cooling down after failures; the message waits for the next try", connectionLost: false);

    /// <summary>A direct channel with no usable MX answer (DNS failed for now).</summary>
    public const string NoMailServerFound = "451 4.4.3 The recipient's mail server could not be found";

    /// <summary>Every host was tried and none answered (or there was none to try).</summary>
    public const string NoMailServerReached = "451 4.4.1 No mail server of the recipient's domain could be reached";

    /// <summary>
    /// A reply of the remote server to one recipient: delivered (2xx only), or the class the bounce rules give it; and its text.
    /// A 3xx is no final answer (only DATA and AUTH are answered with one), so it counts as a temporary failure:
    /// a server that answers the end of DATA with 354 has not taken the message, and it is tried again.
    /// </summary>
    public static (BounceClass Class, string Text) OfReply(RemoteReply reply)
    {
        var text = OneLine(reply.ToString());
        return (reply.Code switch
        {
            >= 200 and < 300 => BounceClass.Delivered,
            < 400 => BounceClass.Temporary,
            _ => Rules.Classify(reply.Code, text),
        }, text);
    }

    /// <summary>
    /// Whether DNS has already decided the delivery: a domain with null MX, none at all, or no mail host fails
    /// for good whatever the channel; a temporary DNS failure is not decided here (a relay needs no MX).
    /// </summary>
    public static (int Code, string Reply)? OfResolution(MxResolution? resolution) =>
        resolution is { Status: not MxResolutionStatus.Ok and not MxResolutionStatus.TemporaryFailure } ? resolution.Failure : null;

    /// <summary>A channel bound to a source address it cannot use: the channel itself is broken, whatever the destination.</summary>
    public static string OfBind(string channel, string bind, SocketException ex) => $"451 4.4.0 Channel {channel} cannot use its address {bind}: {ex.Message}";

    /// <summary>A failed connection to one host (refused at greeting, EHLO, STARTTLS or AUTH, or not reached); null for any other exception.</summary>
    public static TryFailure? OfConnect(Exception ex, string channel, string host, IPAddress address) => ex switch
    {
        RemoteRefusalException { Stage: SmtpClientConnection.AuthStage, Reply.IsTransient: false } refusal =>
            Of(null, $"535 5.7.8 The relay {host} refused the channel's credentials: {OneLine(refusal.Reply.ToString())}", connectionLost: false),
        RemoteRefusalException refusal => Of(null, OneLine(refusal.Reply.ToString()), connectionLost: false),
        // The sealed relay password does not open with this data directory's key ring (restored without keys/, say):
        // the operator's to fix; the mail waits meanwhile instead of the connection slot being lost.
        System.Security.Cryptography.CryptographicException =>
            Of(null, $"451 4.3.5 The relay password of channel {channel} cannot be opened with this data directory's key ring; give the channel its password again", connectionLost: false),
        SocketException or IOException or OperationCanceledException or RemoteProtocolException or AuthenticationException or TimeoutException =>
            Of(null, $"451 4.4.1 Cannot connect to {host} [{address}] through channel {channel}: {OneLine(ex.Message)}", connectionLost: true),
        _ => null,
    };

    /// <summary>
    /// A destination's TLS policy that this host (or every host) cannot meet: no STARTTLS, a certificate that
    /// is not valid, no MX host the policy allows. It waits for the next try (RFC 8461 §5: a policy failure
    /// defers, never falls back to plain text), and the reply says which policy and why.
    /// </summary>
    public static TryFailure OfTlsPolicy(string source, string problem) =>
        Of(451, $"451 4.7.5 TLS policy not met ({source}): {problem}; the message waits for the next try", connectionLost: false);

    /// <summary>A failure once connected, while one message was sent; null for any other exception.</summary>
    public static TryFailure? OfSend(Exception ex, string? host) => ex switch
    {
        // Not the connection's fault: it stays open for the next message.
        FileNotFoundException or DirectoryNotFoundException =>
            new TryFailure(BounceClass.Temporary, null, "451 4.3.0 The message's spool file cannot be read; it waits for the next try", ConnectionLost: false),
        // A server that stops answering did not break the connection: the sentence says which wait ran out.
        TimeoutException =>
            new TryFailure(BounceClass.Temporary, null, $"451 4.4.2 {host} stopped answering: {OneLine(ex.Message)}", ConnectionLost: true),
        RemoteProtocolException or IOException or SocketException or OperationCanceledException =>
            new TryFailure(BounceClass.Temporary, null, $"451 4.4.2 The connection to {host} broke: {OneLine(ex.Message)}", ConnectionLost: true),
        FormatException or ParseException =>
            new TryFailure(BounceClass.PermanentContent, 554, $"554 5.6.0 The message cannot be read for sending: {OneLine(ex.Message)}", ConnectionLost: false),
        _ => null,
    };

    /// <summary>A failure with the class its reply's code (or, in the text, its leading code; 451 without one) and text give.</summary>
    public static TryFailure Of(int? code, string reply, bool connectionLost)
    {
        var effective = code ?? (int.TryParse(reply.AsSpan(0, Math.Min(3, reply.Length)), out var c) ? c : 451);
        return new TryFailure(Rules.Classify(effective, reply), code, reply, connectionLost);
    }

    static string OneLine(string text) => text.Replace("\r", " ").Replace("\n", " ").Trim();
}
