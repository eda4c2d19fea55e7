using System.Security.Cryptography;
using System.Text;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> and the base64 of HMAC-SHA256, keyed with the secret's
/// bytes, over <c>{webhook-id}.{webhook-timestamp}.{body}</c> (the timestamp in Unix seconds, the body as
/// sent), so receivers verify with the standard's libraries.
/// </summary>
public static class WebhookSignature
{
    public static string Sign(string webhookId, long timestamp, string body, byte[] key)
    {
        var signed = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }
}
