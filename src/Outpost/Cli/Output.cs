using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Outpost.Cli;

/// <summary>How commands speak: JSON for scripts, tables and one plain sentence for people.</summary>
public static class Output
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public static void Ok(string sentence) => AnsiConsole.MarkupLine($"[green]{Markup.Escape(sentence)}[/]");

    /// <summary>Writes the refusal to stderr and returns the exit code for it.</summary>
    public static int Fail(string sentence)
    {
        Console.Error.WriteLine(sentence);
        return 1;
    }

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Status(Engine.Queue.RecipientStatus status) => status switch
    {
        Engine.Queue.RecipientStatus.Delivered => "[green]delivered[/]",
        Engine.Queue.RecipientStatus.Bounced or Engine.Queue.RecipientStatus.Rejected or Engine.Queue.RecipientStatus.Deleted => $"[red]{status.ToString().ToLowerInvariant()}[/]",
        Engine.Queue.RecipientStatus.Deferred or Engine.Queue.RecipientStatus.Held => $"[yellow]{status.ToString().ToLowerInvariant()}[/]",
        _ => status.ToString().ToLowerInvariant(),
    };
}
