using System.Text;
using Microsoft.AspNetCore.Html;

namespace Outpost.Web.Admin.Charts;

/// <summary>
/// Horizontal bars, one per row with its label and number, as inline SVG drawn on the server: for the
/// top reasons, channels, destinations and refusal classes.
/// </summary>
public static class BarList
{
    const double Width = 480, Row = 22, LabelWidth = 200;

    public static IHtmlContent Render(string title, IReadOnlyList<(string Label, double Value, string Note)> rows, string cssClass = "bar")
    {
        if (rows.Count == 0)
            return new HtmlString("<p class=\"muted empty\">Nothing in this range.</p>");
        var max = rows.Max(r => r.Value);
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart bars\" viewBox=\"0 0 {Svg.N(Width)} {Svg.N(rows.Count * Row)}\" role=\"img\" aria-label=\"{Svg.Text(title)}\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value, note) = rows[i];
            var y = i * Row;
            var w = max <= 0 ? 0 : value / max * (Width - LabelWidth - 150);
            // Long replies are cut for the row; the tooltip keeps the whole text.
            var shown = label.Length > 34 ? label[..31] + "…" : label;
            svg.Append($"<g class=\"row\" data-label=\"{Svg.Text(label)}\" data-value=\"{Svg.N(value)}\"><title>{Svg.Text(label)}: {Svg.Text(note)}</title>");
            svg.Append($"<text class=\"label\" x=\"0\" y=\"{Svg.N(y + 15)}\">{Svg.Text(shown)}</text>");
            svg.Append($"<rect class=\"{cssClass}\" x=\"{Svg.N(LabelWidth)}\" y=\"{Svg.N(y + 4)}\" width=\"{Svg.N(Math.Max(1, w))}\" height=\"{Svg.N(Row - 8)}\"/>");
            svg.Append($"<text class=\"label\" x=\"{Svg.N(LabelWidth + w + 6)}\" y=\"{Svg.N(y + 15)}\">{Svg.Text(note)}</text></g>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
