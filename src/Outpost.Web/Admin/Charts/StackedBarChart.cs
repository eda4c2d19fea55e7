using System.Text;
using Microsoft.AspNetCore.Html;

namespace Outpost.Web.Admin.Charts;

/// <summary>
/// Columns of stacked bars as inline SVG, drawn on the server (no script: the pages keep a strict CSP).
/// Each column has a label and a tooltip (<c>title</c>) with its numbers; colours come from CSS classes.
/// </summary>
public static class StackedBarChart
{
    const double Width = 720, Height = 200, Left = 40, Bottom = 20, Top = 10;

    public static IHtmlContent Render(string title, IReadOnlyList<string> columns, IReadOnlyList<ChartSeries> series, int labelEvery = 1)
    {
        var totals = columns.Select((_, i) => series.Sum(s => s.Values[i])).ToList();
        var max = Svg.NiceMax(totals.DefaultIfEmpty(0).Max());
        var plot = Height - Bottom - Top;
        var step = columns.Count == 0 ? 0 : (Width - Left) / columns.Count;
        var bar = Math.Max(1, step * 0.8);
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" viewBox=\"0 0 {Svg.N(Width)} {Svg.N(Height)}\" role=\"img\" aria-label=\"{Svg.Text(title)}\">");
        Axis(svg, max, plot);
        for (var i = 0; i < columns.Count; i++)
        {
            var x = Left + i * step + (step - bar) / 2;
            var y = Top + plot;
            svg.Append($"<g class=\"column\" data-total=\"{Svg.N(totals[i])}\"><title>{Svg.Text(columns[i])}: ");
            svg.Append(Svg.Text(string.Join(", ", series.Where(s => s.Values[i] > 0).Select(s => $"{Svg.N(s.Values[i])} {s.Name}").DefaultIfEmpty("none"))));
            svg.Append("</title>");
            foreach (var s in series)
            {
                if (s.Values[i] <= 0)
                    continue;
                var h = s.Values[i] / max * plot;
                y -= h;
                svg.Append($"<rect class=\"{s.CssClass}\" x=\"{Svg.N(x)}\" y=\"{Svg.N(y)}\" width=\"{Svg.N(bar)}\" height=\"{Svg.N(h)}\"/>");
            }
            svg.Append("</g>");
            if (i % labelEvery == 0)
                svg.Append($"<text class=\"label\" x=\"{Svg.N(x + bar / 2)}\" y=\"{Svg.N(Height - 5)}\" text-anchor=\"middle\">{Svg.Text(columns[i])}</text>");
        }
        svg.Append("</svg>");
        return new HtmlString(Legend(series) + svg);
    }

    internal static void Axis(StringBuilder svg, double max, double plot)
    {
        foreach (var fraction in new[] { 0, 0.5, 1 })
        {
            var y = Top + plot - fraction * plot;
            svg.Append($"<line class=\"grid\" x1=\"{Svg.N(Left)}\" x2=\"{Svg.N(Width)}\" y1=\"{Svg.N(y)}\" y2=\"{Svg.N(y)}\"/>");
            svg.Append($"<text class=\"label\" x=\"{Svg.N(Left - 4)}\" y=\"{Svg.N(y + 4)}\" text-anchor=\"end\">{Svg.N(max * fraction)}</text>");
        }
    }

    static string Legend(IReadOnlyList<ChartSeries> series) =>
        "<p class=\"legend\">" + string.Concat(series.Select(s => $"<span class=\"key\"><i class=\"swatch {s.CssClass}\"></i>{Svg.Text(s.Name)}</span> ")) + "</p>";
}
