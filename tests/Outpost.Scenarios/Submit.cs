using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>Authenticated submission with swaks over STARTTLS, the way a mail client sends.</summary>
internal static class Submit
{
    public static Task<ProcessResult> AsAsync(OutpostServer server, string user, string from, string to, string subject, string body = "Hello from the scenarios.") =>
        Swaks.RunAsync("--server", $"127.0.0.1:{server.SubmissionPort}", "--tls", "--auth", "PLAIN",
            "--auth-user", user, "--auth-password", MailWorld.Password,
            "--from", from, "--to", to, "--header", $"Subject: {subject}", "--body", body);

    public static Task<ProcessResult> AliceAsync(OutpostServer server, string to, string subject, string body = "Hello from the scenarios.") =>
        AsAsync(server, "alice@example.com", "alice@example.com", to, subject, body);

    /// <summary>Sends and returns the queue id, failing the test with swaks' transcript when there is none.</summary>
    public static async Task<string> AcceptedAsync(Task<ProcessResult> sending)
    {
        var result = await sending;
        var id = Swaks.QueueId(result);
        Assert.True(id is not null, "not accepted:\n" + result.All);
        return id!;
    }

    public static string Token() => Guid.NewGuid().ToString("N")[..10];
}
