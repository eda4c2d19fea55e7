using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Idempotency-Key over a real HTTP client against the running server, with aiosmtpd as the remote MX:
/// repeats, races and a client cut off after sending each queue and deliver one message, and every answer
/// is the first one.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class IdempotencyTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    static HttpClient Basic(OutpostServer server, string user = "alice@example.com")
    {
        var http = new HttpClient { BaseAddress = server.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{MailWorld.Password}")));
        return http;
    }

    async Task<HttpClient> KeyAsync(string scope, string subject)
    {
        var created = await Outpost.CliAsync("apikey", "create", scope, subject);
        Assert.True(created.ExitCode == 0, created.All);
        var http = new HttpClient { BaseAddress = Outpost.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Output.Trim());
        return http;
    }

    static HttpRequestMessage Json(string key, object body, string path = "messages") => new(HttpMethod.Post, path)
    {
        Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        Headers = { { "Idempotency-Key", key } },
    };

    static object Letter(string to, string token) => new
    {
        from = "alice@example.com", to = new[] { to }, subject = $"Order {token}",
        text = $"Dear Sir or Madam, please find the confirmation of order {token} below. Kind regards, Alice",
    };

    static bool Replayed(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";

    static async Task<(HttpStatusCode Status, string Body, bool Replayed)> Read(HttpResponseMessage response) =>
        (response.StatusCode, await response.Content.ReadAsStringAsync(), Replayed(response));

    /// <summary>The send log's rows for one recipient: one per message that was queued for it.</summary>
    async Task<int> QueuedToAsync(string recipient)
    {
        using var http = Basic(Outpost);
        var page = JsonDocument.Parse(await http.GetStringAsync($"messages?to={Uri.EscapeDataString(recipient)}&limit=500")).RootElement;
        return page.GetProperty("items").GetArrayLength();
    }

    /// <summary>Waits for the first copy at the MX, then long enough for a second one to have arrived as well.</summary>
    async Task<int> DeliveredToAsync(string recipient)
    {
        await Eventually.GetAsync(() => world.Mx.MessagesTo(recipient).FirstOrDefault(), "delivery to " + recipient);
        await Task.Delay(TimeSpan.FromSeconds(2));
        return world.Mx.MessagesTo(recipient).Count;
    }

    [Fact]
    public async Task The_same_request_twice_queues_one_message_and_the_second_answer_is_the_first_replayed()
    {
        using var http = Basic(Outpost);
        var token = Submit.Token();
        var to = $"idem-{token}@remote.test";
        var key = $"order-{token}";

        var first = await Read(await http.SendAsync(Json(key, Letter(to, token))));
        var second = await Read(await http.SendAsync(Json(key, Letter(to, token))));
        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.False(first.Replayed);
        Assert.Equal(first.Status, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.True(second.Replayed);

        Assert.Equal(1, await QueuedToAsync(to));
        Assert.Equal(1, await DeliveredToAsync(to));

        // The same key for a different request is refused, and the first answer stands.
        var other = await http.SendAsync(Json(key, Letter(to, token + "-changed")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("This Idempotency-Key was used for a different request.", JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        Assert.Equal(first.Body, (await Read(await http.SendAsync(Json(key, Letter(to, token))))).Body);
        Assert.Equal(1, await QueuedToAsync(to));
    }

    [Fact]
    public async Task Keys_belong_to_their_caller_and_a_bad_key_is_refused_with_a_sentence()
    {
        var token = Submit.Token();
        var to = $"idem-{token}@remote.test";
        var key = $"shared-{token}";
        using var alice = Basic(Outpost);
        using var domainKey = await KeyAsync("--domain", "example.com");
        var a = await Read(await alice.SendAsync(Json(key, Letter(to, token))));
        var b = await Read(await domainKey.SendAsync(Json(key, Letter(to, token))));
        Assert.Equal(HttpStatusCode.Accepted, a.Status);
        Assert.Equal(HttpStatusCode.Accepted, b.Status);
        Assert.False(b.Replayed);
        Assert.NotEqual(a.Body, b.Body);
        Assert.Equal(2, await QueuedToAsync(to));

        foreach (var bad in new[] { new string('k', 256), "tab\there" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "messages") { Content = new StringContent(JsonSerializer.Serialize(Letter(to, token)), Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Idempotency-Key", bad);
            var refused = await alice.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
                JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        Assert.Equal(2, await QueuedToAsync(to));
    }

    [Fact]
    public async Task A_refusal_is_stored_and_replayed_like_an_acceptance()
    {
        using var http = Basic(Outpost);
        var key = $"refused-{Submit.Token()}";
        var request = new { from = "alice@example.com", to = new[] { "nobody@example.com" }, subject = "s", text = "t" };
        var first = await Read(await http.SendAsync(Json(key, request)));
        var second = await Read(await http.SendAsync(Json(key, request)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.Status);
        Assert.Equal("The mailbox <nobody@example.com> does not exist", JsonDocument.Parse(first.Body).RootElement.GetProperty("error").GetString());
        Assert.Equal(first.Body, second.Body);
        Assert.True(second.Replayed);
    }

    [Fact]
    public async Task Twenty_parallel_requests_with_one_key_queue_and_deliver_exactly_one_message()
    {
        using var http = await KeyAsync("--mailbox", "alice@example.com");
        var token = Submit.Token();
        var to = $"race-{token}@remote.test";
        var key = $"race-{token}";
        var raw = Encoding.UTF8.GetBytes($"From: alice@example.com\r\nTo: {to}\r\nSubject: Invoice {token}\r\n\r\n" +
            $"Dear customer, invoice {token} for the October maintenance is attached. Kind regards, Alice\r\n");
        HttpRequestMessage Raw() => new(HttpMethod.Post, $"messages/raw?from=alice@example.com&to={Uri.EscapeDataString(to)}")
        {
            Content = new ByteArrayContent(raw),
            Headers = { { "Idempotency-Key", key } },
        };

        // All twenty wait at one gate and go at once.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sending = Enumerable.Range(0, 20).Select(async _ =>
        {
            await gate.Task;
            return await Read(await http.SendAsync(Raw()));
        }).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(sending);

        Assert.All(answers, a => Assert.Contains(a.Status, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        Assert.NotEmpty(accepted);
        var body = accepted[0].Body;
        Assert.All(accepted, a => Assert.Equal(body, a.Body));
        // Exactly one request did the work; every other accepted answer is its replay.
        Assert.Single(accepted, a => !a.Replayed);
        // A request told 409 retries and gets the same first answer.
        foreach (var _ in answers.Where(a => a.Status == HttpStatusCode.Conflict))
            Assert.Equal(body, (await Read(await http.SendAsync(Raw()))).Body);

        Assert.Equal(1, await QueuedToAsync(to));
        Assert.Equal(1, await DeliveredToAsync(to));
    }

    [Fact]
    public async Task A_request_whose_answer_is_lost_after_queueing_is_retried_and_gets_the_first_answer()
    {
        var token = Submit.Token();
        var to = $"lost-{token}@remote.test";
        var key = $"lost-{token}";
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Letter(to, token)));
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice@example.com:{MailWorld.Password}"));

        // A bare socket, so that the client can go away having sent everything and read nothing.
        using (var socket = new System.Net.Sockets.TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, Outpost.HttpPort);
            var stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1:{Outpost.HttpPort}\r\nAuthorization: Basic {auth}\r\nIdempotency-Key: {key}\r\n" +
                $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"));
            await stream.WriteAsync(body);
            await stream.FlushAsync();
            // The server queues the message; its answer is never read.
            await Eventually.GetAsync(async () => await QueuedToAsync(to) > 0 ? "" : null, "the message in the send log");
            socket.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }

        using var http = Basic(Outpost);
        var retry = await Read(await http.SendAsync(Json(key, Letter(to, token))));
        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        Assert.True(retry.Replayed);
        var id = JsonDocument.Parse(retry.Body).RootElement.GetProperty("id").GetString();
        var log = JsonDocument.Parse(await http.GetStringAsync($"messages?to={Uri.EscapeDataString(to)}")).RootElement.GetProperty("items");
        Assert.Equal(id, log.EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal(1, await DeliveredToAsync(to));
    }

    [Fact]
    public async Task A_client_that_cancels_right_after_sending_and_retries_gets_one_message()
    {
        using var http = Basic(Outpost);
        var token = Submit.Token();
        var to = $"cancel-{token}@remote.test";
        var key = $"cancel-{token}";
        var content = new SignallingContent(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Letter(to, token))));
        var request = new HttpRequestMessage(HttpMethod.Post, "messages") { Content = content, Headers = { { "Idempotency-Key", key } } };
        using var cancel = new CancellationTokenSource();
        var sending = http.SendAsync(request, cancel.Token);
        await content.Sent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The whole request is on the wire; the client gives up before the answer. Depending on how far the
        // server got, the message is queued (the retry gets its answer) or not yet claimed (the retry sends it).
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        (HttpStatusCode Status, string Body, bool Replayed) retry = default;
        for (var i = 0; i < 20; i++)
        {
            retry = await Read(await http.SendAsync(Json(key, Letter(to, token))));
            if (retry.Status != HttpStatusCode.Conflict)
                break;
            await Task.Delay(500);
        }
        Assert.Equal(HttpStatusCode.Accepted, retry.Status);
        Assert.Equal(retry.Body, (await Read(await http.SendAsync(Json(key, Letter(to, token))))).Body);
        Assert.Equal(1, await QueuedToAsync(to));
        Assert.Equal(1, await DeliveredToAsync(to));
    }

    [Fact]
    public async Task A_raw_body_over_the_size_limit_is_refused_before_its_key_is_claimed()
    {
        using var http = Basic(Outpost);
        var token = Submit.Token();
        var to = $"big-{token}@remote.test";
        var key = $"big-{token}";
        var head = Encoding.UTF8.GetBytes($"From: alice@example.com\r\nTo: {to}\r\nSubject: Report {token}\r\n\r\n");
        HttpRequestMessage Raw(byte[] body) => new(HttpMethod.Post, $"messages/raw?from=alice@example.com&to={Uri.EscapeDataString(to)}")
        {
            Content = new ByteArrayContent(body),
            Headers = { { "Idempotency-Key", key } },
        };

        // One byte over 25 MB, in lines of 1,000.
        var big = new byte[25 * 1024 * 1024 + 1];
        Array.Fill(big, (byte)'a');
        for (var i = 998; i < big.Length; i += 1000)
        {
            big[i] = (byte)'\r';
            big[i + 1] = (byte)'\n';
        }
        head.CopyTo(big, 0);
        var refused = await http.SendAsync(Raw(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("Message exceeds the 25 MB limit; share large files through a link instead",
            JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        // Nothing was kept under the key: the request as it should have been goes through with it.
        var sent = await Read(await http.SendAsync(Raw([.. head, .. Encoding.UTF8.GetBytes($"Dear Bob, the summary of report {token} is attached. Kind regards, Alice\r\n")])));
        Assert.Equal(HttpStatusCode.Accepted, sent.Status);
        Assert.False(sent.Replayed);
    }

    [Fact]
    public async Task Purge_names_the_keys_with_their_window_and_a_window_out_of_bounds_is_refused_with_a_sentence()
    {
        var purge = await Outpost.CliJsonAsync("purge", "--dry-run");
        var keys = purge.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "idempotency-keys");
        Assert.Equal("1.00:00:00", keys.GetProperty("olderThan").GetString());

        var config = Path.Combine(Outpost.DataDirectory, $"short-window-{Submit.Token()}.json");
        await File.WriteAllTextAsync(config, """{ "Api": { "IdempotencyWindow": "00:10:00" } }""");
        var refused = await Outpost.CliAsync("purge", "--dry-run", "--config", config);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Api:IdempotencyWindow is 00:10:00; it must be between 01:00:00 and 30.00:00:00, e.g. 1.00:00:00 for a day.", refused.All);
        File.Delete(config);
    }

    [Fact]
    public async Task The_openapi_document_names_the_header_on_both_send_endpoints()
    {
        using var http = new HttpClient();
        var paths = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{Outpost.HttpPort}/openapi/v1.json")).RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/messages", "/api/v1/messages/raw" })
        {
            var header = paths.GetProperty(path).GetProperty("post").GetProperty("parameters").EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == "Idempotency-Key");
            Assert.Equal("header", header.GetProperty("in").GetString());
            Assert.Equal(255, header.GetProperty("schema").GetProperty("maxLength").GetInt32());
        }
    }

    /// <summary>A request body that says when its last byte has been handed to the connection.</summary>
    sealed class SignallingContent : HttpContent
    {
        readonly byte[] _body;

        public SignallingContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        }

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_body);
            await stream.FlushAsync();
            Sent.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
