using System.Globalization;
using System.Text;

namespace Outpost.Engine.Suppression;

/// <summary>
/// Suppression lists as CSV (RFC 4180: commas, quotes doubled inside quoted fields). Export writes
/// <c>domain,address,reason,source,created_at,expires_at</c>; import reads the same, or just
/// <c>address</c> or <c>address,reason</c> lines (a header line is recognised and skipped).
/// </summary>
public static class SuppressionCsv
{
    public const string Header = "domain,address,reason,source,created_at,expires_at";

    public static void Write(TextWriter writer, IEnumerable<Suppression> entries)
    {
        writer.Write(Header + "\n");
        foreach (var e in entries)
            writer.Write(string.Join(',', Field(e.Domain), Field(e.Address), Field(e.Reason), Field(e.Source),
                Field(e.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)), Field(e.ExpiresAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "")) + "\n");
    }

    /// <summary>The rows of a CSV file: (address, reason or null), with a sentence naming the line for anything malformed.</summary>
    public static IEnumerable<(string Address, string? Reason)> Read(TextReader reader, int maxRows = 1_000_000)
    {
        var line = 0;
        for (var text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (line > maxRows)
                throw new InvalidDataException($"The file has more than {maxRows:N0} lines; split it.");
            if (text.Trim().Length == 0 || line == 1 && text.StartsWith("domain,address", StringComparison.OrdinalIgnoreCase) || line == 1 && text.Trim().Equals("address", StringComparison.OrdinalIgnoreCase))
                continue;
            var fields = Split(text, line);
            // The export's layout (domain first) or a plain list (address first).
            var (address, reason) = fields.Count >= 2 && !fields[0].Contains('@') && fields[1].Contains('@')
                ? (fields[1], fields.Count > 2 ? fields[2] : null)
                : (fields[0], fields.Count > 1 ? fields[1] : null);
            string normalised;
            try
            {
                normalised = SuppressionService.Normalise(address);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Line {line}: {e.Message}");
            }
            yield return (normalised, string.IsNullOrWhiteSpace(reason) ? null : reason);
        }
    }

    static List<string> Split(string text, int line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"' && field.Length == 0)
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
                field.Append(c);
        }
        if (quoted)
            throw new InvalidDataException($"Line {line}: a quoted field is not closed.");
        fields.Add(field.ToString().Trim());
        return fields;
    }

    static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
