using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// The webhook receiver (peers/webhooks/receiver.js on Node.js): verifies every webhook's signature with
/// the standardwebhooks package, an implementation independent of Outpost's, records what came, and can
/// be told to answer 500 for a number of webhooks. Each endpoint is a path of its own with its secret.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly Process _process;
    readonly HttpClient _control;

    public int Port { get; }

    WebhookReceiver(Process process, int port)
    {
        _process = process;
        Port = port;
        _control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/_control/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    static string Folder => Path.Combine(Paths.RepoRoot, "tests", "Outpost.Scenarios", "peers", "webhooks");

    public static async Task<WebhookReceiver> StartAsync()
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", "standardwebhooks", "package.json")))
            throw new InvalidOperationException("The webhook receiver's standardwebhooks package is not installed; run ./test.sh, which installs the test peers.");
        var port = Ports.Free();
        var process = Processes.Start(Paths.Tool("node", "/usr/local/bin/node"), [Path.Combine(Folder, "receiver.js"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != $"listening {port}")
            throw new InvalidOperationException("The webhook receiver did not start: " + await process.StandardError.ReadToEndAsync());
        return new WebhookReceiver(process, port);
    }

    public string Url(string name) => $"http://127.0.0.1:{Port}/hook/{name}";

    public async Task SetSecretAsync(string name, string secret) =>
        (await _control.PostAsJsonAsync("secret", new { name, secret })).EnsureSuccessStatusCode();

    /// <summary>The next <paramref name="count"/> webhooks to <paramref name="name"/> that verify are answered 500.</summary>
    public async Task FailAsync(string name, int count) =>
        (await _control.PostAsJsonAsync("fail", new { name, count })).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<ReceivedWebhook>> ReceivedAsync(string name, bool bodies = false) =>
        (await _control.GetFromJsonAsync<List<ReceivedWebhook>>($"received?name={Uri.EscapeDataString(name)}{(bodies ? "&body=1" : "")}", Json))!;

    public async ValueTask DisposeAsync()
    {
        _control.Dispose();
        if (!_process.HasExited)
            _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
