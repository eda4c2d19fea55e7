using System.Net;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>What an endpoint may be given: its URL, its events; and where a domain's webhooks may connect.</summary>
public sealed class WebhookInputTests
{
    [Theory]
    [InlineData("https://hooks.example.com/outpost")]
    [InlineData("http://127.0.0.1:8080/hook?token=1")]
    [InlineData("https://[2001:4860::1]/x")]
    public void Http_and_https_urls_are_taken(string url) => Assert.Equal(new Uri(url).AbsoluteUri, WebhookUrl.Parse(url).AbsoluteUri);

    [Theory]
    [InlineData("", "Give the URL")]
    [InlineData("ftp://example.com/x", "must start with https:// or http://, not ftp:")]
    [InlineData("file:///etc/passwd", "must start with https:// or http://, not file:")]
    [InlineData("https://user:pass@example.com/x", "may not carry a user name or password")]
    [InlineData("https://example.com/x#part", "may not have a #fragment")]
    [InlineData("hooks.example.com/x", "is not a URL")]
    [InlineData("https://example.com/a b", "may not contain spaces")]
    public void Other_urls_are_refused_with_a_sentence(string url, string sentence) =>
        Assert.Contains(sentence, Assert.Throws<ArgumentException>(() => WebhookUrl.Parse(url)).Message);

    [Fact]
    public void A_url_longer_than_2000_characters_is_refused() =>
        Assert.Contains("longer than 2000", Assert.Throws<ArgumentException>(() => WebhookUrl.Parse("https://example.com/" + new string('a', 2000))).Message);

    [Fact]
    public void Events_default_to_the_usual_set_and_a_wrong_name_is_refused()
    {
        Assert.Equal(["delivered", "bounced", "deferred", "held", "suppressed", "rejected", "complaint"], WebhookEventTypes.Parse(null));
        Assert.Equal(["delivered", "bounced"], WebhookEventTypes.Parse(" Delivered, bounced,delivered "));
        Assert.Contains("'opened' is not an event", Assert.Throws<ArgumentException>(() => WebhookEventTypes.Parse("delivered,opened")).Message);
        Assert.True(WebhookEventTypes.Covers("bounced", "expired"));
        Assert.False(WebhookEventTypes.Covers("delivered", "expired"));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("198.18.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2001:db8::1")]
    public void Private_and_reserved_addresses_are_not_public(string address) => Assert.False(WebhookAddressGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are(string address) => Assert.True(WebhookAddressGuard.IsPublic(IPAddress.Parse(address)));
}
