using System.Security.Cryptography;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>The signature is the Standard Webhooks one, byte for byte, so receivers verify with the standard's libraries.</summary>
public sealed class WebhookSignatureTests
{
    [Fact]
    public void The_standards_published_example_signs_to_its_published_signature()
    {
        // The Standard Webhooks libraries' own test vector (the "sign function works" case).
        var key = WebhookSecret.Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var signature = WebhookSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}", key);
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void Changing_any_signed_part_changes_the_signature()
    {
        var key = WebhookSecret.Key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var original = WebhookSignature.Sign("msg_1", 1614265330, "{}", key);
        Assert.NotEqual(original, WebhookSignature.Sign("msg_2", 1614265330, "{}", key));
        Assert.NotEqual(original, WebhookSignature.Sign("msg_1", 1614265331, "{}", key));
        Assert.NotEqual(original, WebhookSignature.Sign("msg_1", 1614265330, "{ }", key));
    }

    [Fact]
    public void A_new_secret_is_whsec_and_32_random_bytes_and_a_malformed_one_is_refused()
    {
        var a = WebhookSecret.Generate();
        Assert.StartsWith("whsec_", a);
        Assert.Equal(32, WebhookSecret.Key(a).Length);
        Assert.NotEqual(a, WebhookSecret.Generate());
        Assert.Throws<CryptographicException>(() => WebhookSecret.Key("whsec_short"));
        Assert.Throws<CryptographicException>(() => WebhookSecret.Key("whsec_not base64!"));
    }
}
