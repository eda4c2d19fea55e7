using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>The HTTP API over a real socket: the same submission path, policy and sentences as SMTP; scoped reads.</summary>
[Collection(MailWorldCollection.Name)]
public sealed class ApiTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    static HttpClient Client(OutpostServer server, string? user = "alice@example.com", string password = MailWorld.Password)
    {
        var http = new HttpClient { BaseAddress = server.Api, Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return http;
    }

    static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task A_message_sent_over_the_api_is_delivered_inside_and_out()
    {
        using var http = Client(Outpost);
        var token = Submit.Token();
        var external = $"api-{token}@remote.test";
        var response = await http.PostAsJsonAsync("messages", new
        {
            from = "alice@example.com", to = new[] { "bob@example.com", external }, subject = $"api {token}",
            text = "Dear Bob, the minutes of Tuesday's meeting are attached. Kind regards, Alice",
            attachments = new[] { new { name = "minutes.txt", contentType = "text/plain", content = Convert.ToBase64String("1. Budget agreed."u8.ToArray()) } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await Json(response);
        var id = body.GetProperty("id").GetString()!;
        Assert.All(body.GetProperty("recipients").EnumerateArray(), r => Assert.True(r.GetProperty("accepted").GetBoolean()));

        await Eventually.GetAsync(() => Outpost.MailboxFiles("bob@example.com").FirstOrDefault(f => File.ReadAllText(f).Contains($"api {token}")), "internal delivery");
        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(external).FirstOrDefault(), "external delivery");
        Assert.Contains("minutes.txt", received.Text);

        var status = await Eventually.GetAsync(async () =>
        {
            var report = await Json(await http.GetAsync($"messages/{id}"));
            return report.GetProperty("recipients").EnumerateArray().All(r => r.GetProperty("status").GetString() == "delivered") ? (object)report : null;
        }, "both delivered");
        Assert.NotNull(status);
        var page = await Json(await http.GetAsync("messages?limit=500"));
        Assert.Contains(page.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Wrong_credentials_get_401_authentication_failed()
    {
        using var wrong = Client(Outpost, password: "not-the-password");
        var response = await wrong.GetAsync("messages");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Authentication failed", (await Json(response)).GetProperty("error").GetString());
        using var none = Client(Outpost, user: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("messages")).StatusCode);
        none.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "op_000000000000_nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await none.GetAsync("messages")).StatusCode);
    }

    [Fact]
    public async Task Policy_refusals_carry_the_same_sentence_as_smtp()
    {
        using var http = Client(Outpost);
        var spoof = await http.PostAsJsonAsync("messages", new { from = "bob@example.com", to = new[] { "x@remote.test" }, subject = "s", text = "t" });
        Assert.Equal(HttpStatusCode.Forbidden, spoof.StatusCode);
        Assert.Equal("You may not send as <bob@example.com>; send as your own address <alice@example.com>", (await Json(spoof)).GetProperty("error").GetString());

        var otp = await http.PostAsJsonAsync("messages", new { from = "alice@example.com", to = new[] { $"otp-{Submit.Token()}@remote.test" }, subject = "Your verification code", text = "Your verification code is 482913. It expires in 10 minutes." });
        Assert.Equal(HttpStatusCode.Forbidden, otp.StatusCode);
        // The class's sentence, then the evidence that weighed most: the code and its wording.
        var error = (await Json(otp)).GetProperty("error").GetString()!;
        Assert.StartsWith("This looks like a verification-code (one-time code) mail, which this service does not send (evidence: ", error);
        Assert.Contains("482913", error);

        var unknown = await http.PostAsJsonAsync("messages", new { from = "alice@example.com", to = new[] { "nobody@example.com" }, subject = "s", text = "t" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Equal("The mailbox <nobody@example.com> does not exist", (await Json(unknown)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("subject", "Hello\r\nBcc: victim@remote.test")]
    [InlineData("header", "x\nInjected: yes")]
    [InlineData("attachment", "evil\r\n.txt")]
    public async Task Line_breaks_in_any_field_are_refused_with_400(string field, string value)
    {
        using var http = Client(Outpost);
        object request = field switch
        {
            "subject" => new { from = "alice@example.com", to = new[] { "bob@example.com" }, subject = value, text = "t" },
            "header" => new { from = "alice@example.com", to = new[] { "bob@example.com" }, subject = "s", text = "t", headers = new Dictionary<string, string> { ["X-Note"] = value } },
            _ => new { from = "alice@example.com", to = new[] { "bob@example.com" }, subject = "s", text = "t", attachments = new[] { new { name = value, contentType = "text/plain", content = "eA==" } } },
        };
        var response = await http.PostAsJsonAsync("messages", request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("line breaks", (await Json(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_domain_key_sends_for_its_domain_only_and_reads_only_its_mail()
    {
        var created = await Outpost.CliAsync("apikey", "create", "--domain", "example.com");
        Assert.True(created.ExitCode == 0, created.All);
        var secret = created.Output.Trim();
        using var http = new HttpClient { BaseAddress = Outpost.Api };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        var raw = Encoding.UTF8.GetBytes($"From: billing@example.com\r\nTo: bob@example.com\r\nSubject: raw {Submit.Token()}\r\n\r\nInvoice 42 is attached.\r\n");
        var sent = await http.PostAsync("messages/raw?from=billing@example.com&to=bob@example.com", new ByteArrayContent(raw));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var id = (await Json(sent)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"messages/{id}")).StatusCode);

        var other = await http.PostAsJsonAsync("messages", new { from = "ceo@other.test", to = new[] { "bob@example.com" }, subject = "s", text = "t" });
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("domains/other.test/dns")).StatusCode);
        var dns = await Json(await http.GetAsync("domains/example.com/dns"));
        Assert.True(dns.GetProperty("ready").GetBoolean());

        // A mailbox sees only its own mail: alice cannot read billing's message.
        using var alice = Client(Outpost);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"messages/{id}")).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_acceptance_refusals_deliveries_and_the_queue()
    {
        var before = await PrometheusText.ScrapeAsync(Outpost.Web);
        var token = Submit.Token();
        var local = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, "bob@example.com", "metrics " + token));
        var remote = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, $"metrics-{token}@remote.test", "metrics out " + token,
            "Dear Bob, the minutes of Tuesday's meeting are attached. Kind regards, Alice"));
        await Outpost.WaitForStatusAsync(local, "delivered");
        await Outpost.WaitForStatusAsync(remote, "delivered");
        await Submit.AliceAsync(Outpost, "nobody@example.com", "refused");

        // The counters move as the outcomes are committed: a scrape a moment later sees both deliveries.
        PrometheusText after = null!;
        double Moved(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        await Eventually.GetAsync(async () =>
        {
            after = await PrometheusText.ScrapeAsync(Outpost.Web);
            return Moved("outpost_deliveries_total", ("result", "delivered")) >= 2 ? after : null;
        }, "both deliveries counted");
        Assert.True(Moved("outpost_messages_accepted_total") >= 2);
        Assert.True(Moved("outpost_deliveries_total", ("result", "delivered"), ("channel", "local")) >= 1);
        Assert.True(Moved("outpost_refusals_total", ("stage", "rcpt"), ("code", "5.1.1")) >= 1);
        Assert.True(Moved("outpost_delivery_latency_seconds_count") >= 2);
        Assert.True(Moved("outpost_policy_verdicts_total", ("verdict", "passed"), ("class", "none")) >= 1);
        Assert.True(Moved("outpost_smtp_connections_total", ("listener", "submission")) >= 3);
        // The remote delivery may have reused a connection an earlier test opened; at least that one was counted.
        Assert.True(after.Sum("outpost_delivery_connections_total", ("result", "opened")) >= 1);
        Assert.Equal("counter", after.TypeOf("outpost_messages_accepted_total"));
        Assert.Equal("histogram", after.TypeOf("outpost_delivery_latency_seconds"));
        Assert.Single(after.Matching("outpost_queue_recipients", ("status", "deferred")));
        Assert.Contains(after.Matching("outpost_delivery_latency_seconds_bucket"), b => b.Labels["le"] == "0.005");
        Assert.All(after.Matching("outpost_deliveries_total"), s => Assert.Equal("Outpost", s.Labels["otel_scope_name"]));
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_the_runtime_process_and_kestrel_ones()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(Outpost.Web, "metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        var scrape = new PrometheusText(await response.Content.ReadAsStringAsync());
        // The .NET runtime's, the process's, Kestrel's and ASP.NET Core's own, beside Outpost's.
        foreach (var name in new[] { "dotnet_gc_collections_total", "dotnet_thread_pool_thread_count_total", "process_cpu_time_seconds_total",
                     "process_memory_usage_bytes", "kestrel_active_connections", "http_server_active_requests" })
            Assert.True(scrape.Has(name), $"{name} is missing from /metrics");
        Assert.True(scrape.Sum("process_memory_usage_bytes") > 1_000_000);
        Assert.True(scrape.Sum("kestrel_active_connections") >= 1, "the scrape's own connection is open while it is answered");
        Assert.Contains(scrape.Matching("target_info"), s => s.Labels["service_name"] == "outpost");
    }

    [Fact]
    public async Task Only_an_operator_adds_domains_and_sees_all_of_them()
    {
        var added = await Outpost.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", "ops@example.com", "--operator");
        Assert.True(added.ExitCode == 0, added.All);
        using var alice = Client(Outpost);
        var domain = $"api-{Submit.Token()}.test";
        var refused = await alice.PostAsJsonAsync("domains", new { name = domain, plan = "paid" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Only an operator may add domains", (await Json(refused)).GetProperty("error").GetString());

        using var ops = Client(Outpost, "ops@example.com");
        var created = await ops.PostAsJsonAsync("domains", new { name = domain, plan = "free" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var again = await ops.PostAsJsonAsync("domains", new { name = domain });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal($"The domain {domain} is already hosted here.", (await Json(again)).GetProperty("error").GetString());

        var all = await Json(await ops.GetAsync("domains"));
        Assert.Contains(all.EnumerateArray(), d => d.GetProperty("name").GetString() == domain && d.GetProperty("plan").GetString() == "free");
        Assert.Contains(all.EnumerateArray(), d => d.GetProperty("name").GetString() == "example.com");
        var records = await Json(await ops.GetAsync($"domains/{domain}/dns"));
        Assert.Equal(3, records.GetProperty("records").GetArrayLength());
        Assert.Single((await Json(await alice.GetAsync("domains"))).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync("domains/not-hosted.test/dns")).StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        using var http = new HttpClient();
        var doc = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{Outpost.HttpPort}/openapi/v1.json")).RootElement;
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/messages", paths);
        Assert.Contains("/api/v1/messages/{id}", paths);
        Assert.Contains("/api/v1/domains/{domain}/dns", paths);
    }
}
