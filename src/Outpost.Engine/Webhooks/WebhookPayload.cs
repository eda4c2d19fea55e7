using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// The JSON body of a webhook, in the Standard Webhooks shape (type, timestamp, data), with the event's
/// id beside them. The body is made once, when the delivery is made, and stored: every retry sends and
/// signs the same bytes.
/// <code>
/// {"id":"evt_42","type":"bounced","timestamp":"2026-12-01T10:00:00.123Z",
///  "data":{"messageId":"01M8EH55FHS5KE1J","sender":"alice@example.com","recipient":"bob@remote.test",
///          "status":"bounced","reply":{"code":550,"enhanced":"5.1.1","text":"550 5.1.1 user unknown"},
///          "attempt":1,"channel":"direct","reason":null}}
/// </code>
/// </summary>
public static class WebhookPayload
{
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The webhook id of an outbox event: the same on every retry, so receivers can drop duplicates.</summary>
    public static string WebhookId(long eventId) => "evt_" + eventId.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Of(LifecycleEvent e) => Write(WebhookId(e.Id), e.Type, e.At, w =>
    {
        w.WriteString("messageId", e.MessageId);
        w.WriteString("sender", e.Sender);
        w.WriteString("recipient", e.Recipient);
        w.WriteString("status", e.To.ToName());
        if (e.Reply is { } reply)
        {
            w.WriteStartObject("reply");
            if (reply.Code is { } code)
                w.WriteNumber("code", code);
            else
                w.WriteNull("code");
            w.WriteString("enhanced", reply.Enhanced);
            w.WriteString("text", reply.Text);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("reply");
        }
        w.WriteNumber("attempt", e.Attempt);
        w.WriteString("channel", e.Channel);
        w.WriteString("reason", e.Reason);
    });

    /// <summary>The body of a test event for endpoint <paramref name="endpointId"/>.</summary>
    public static string Test(string webhookId, long endpointId, DateTimeOffset at) => Write(webhookId, WebhookEventTypes.Test, at, w =>
    {
        w.WriteNumber("endpoint", endpointId);
        w.WriteString("text", "A test event from Outpost: when its signature verifies, so will every event's.");
    });

    static string Write(string id, string type, DateTimeOffset at, Action<Utf8JsonWriter> data)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("type", type);
            w.WriteString("timestamp", Time(at));
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
