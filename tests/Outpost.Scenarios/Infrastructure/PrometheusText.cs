using System.Globalization;
using System.Text.RegularExpressions;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// A scrape of <c>/metrics</c> read as series: name, labels, value. Labels are matched as a set, whatever their
/// order and whatever labels the exporter adds (<c>otel_scope_name</c>), so a test names only what it means.
/// </summary>
public sealed partial class PrometheusText
{
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SeriesLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(\\.|[^""\\])*)""")]
    private static partial Regex Label();

    public sealed record Series(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public string Text { get; }
    public IReadOnlyList<Series> All { get; }

    public PrometheusText(string text)
    {
        Text = text;
        var all = new List<Series>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = SeriesLine().Match(line.TrimEnd('\r'));
            if (!match.Success)
                throw new FormatException("Not a Prometheus series line: " + line);
            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
            all.Add(new Series(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
        All = all;
    }

    public static async Task<PrometheusText> ScrapeAsync(Uri web)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new PrometheusText(await http.GetStringAsync(new Uri(web, "metrics")));
    }

    /// <summary>The series of <paramref name="name"/> that have every label given.</summary>
    public IEnumerable<Series> Matching(string name, params (string Key, string Value)[] labels) =>
        All.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>The sum of the matching series; 0 when there are none (a counter not yet moved).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) => Matching(name, labels).Sum(s => s.Value);

    public bool Has(string name) => All.Any(s => s.Name == name);

    /// <summary>The <c># TYPE</c> the scrape declares for a metric family.</summary>
    public string? TypeOf(string family) =>
        Text.Split('\n').FirstOrDefault(l => l.StartsWith($"# TYPE {family} ", StringComparison.Ordinal))?[($"# TYPE {family} ").Length..].Trim();
}
