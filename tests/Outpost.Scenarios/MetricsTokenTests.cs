using System.Net;
using System.Net.Http.Headers;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// <c>Metrics:Token</c> on a real server: <c>/metrics</c> answers 401 with one sentence without the token or
/// with a wrong one, and the metrics (the build's version among them) with <c>Authorization: Bearer</c> and
/// the right one; <c>/healthz</c> stays open, and the token never reaches the log.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class MetricsTokenTests(MailWorld world)
{
    const string Token = "scrape-7f3c9e1d5b2a4680";

    [Fact]
    public async Task Metrics_answer_only_with_the_configured_bearer_token()
    {
        var directory = Paths.NewTempDirectory("metrics-token");
        await using var server = new OutpostServer(Path.Combine(directory, "data"), world.Dns, world.Mx.Port,
            new Dictionary<string, string> { ["OUTPOST__Metrics__Token"] = Token });
        await server.StartAsync();
        using var http = new HttpClient();
        var metrics = new Uri(server.Web, "metrics");

        using (var none = await http.GetAsync(metrics))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("The metrics need the token of Metrics:Token as Authorization: Bearer <token>.", (await none.Content.ReadAsStringAsync()).Trim());
        }
        foreach (var (scheme, value) in new[] { ("Bearer", Token + "x"), ("Bearer", Token[..^1]), ("Basic", Token) })
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Web, "METRICS"));
            wrong.Headers.Authorization = new AuthenticationHeaderValue(scheme, value);
            using var answer = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        using var right = new HttpRequestMessage(HttpMethod.Get, metrics);
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var scraped = await http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        var text = await scraped.Content.ReadAsStringAsync();
        Assert.Contains(text.Split('\n'), line => line.StartsWith("outpost_build_info{", StringComparison.Ordinal) && line.Contains("version=\"", StringComparison.Ordinal));

        using var health = await http.GetAsync(new Uri(server.Web, "healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain(Token, server.Log, StringComparison.Ordinal);
    }
}
