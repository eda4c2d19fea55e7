using System.Text;
using Microsoft.AspNetCore.Html;

namespace Outpost.Web.Admin.Charts;

/// <summary>One line over time as inline SVG, drawn on the server; each point has a tooltip with its value.</summary>
public static class LineChart
{
    const double Width = 720, Height = 200, Left = 40, Bottom = 20, Top = 10;

    public static IHtmlContent Render(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, int labelEvery = 1)
    {
        var max = Svg.NiceMax(values.DefaultIfEmpty(0).Max());
        var plot = Height - Bottom - Top;
        var step = values.Count <= 1 ? 0 : (Width - Left - 20) / (values.Count - 1);
        double X(int i) => Left + 5 + i * step;
        double Y(int i) => Top + plot - values[i] / max * plot;
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"chart\" viewBox=\"0 0 {Svg.N(Width)} {Svg.N(Height)}\" role=\"img\" aria-label=\"{Svg.Text(title)}\">");
        StackedBarChart.Axis(svg, max, plot);
        svg.Append("<polyline class=\"line\" fill=\"none\" points=\"");
        svg.AppendJoin(' ', values.Select((_, i) => $"{Svg.N(X(i))},{Svg.N(Y(i))}"));
        svg.Append("\"/>");
        for (var i = 0; i < values.Count; i++)
        {
            svg.Append($"<circle class=\"point\" cx=\"{Svg.N(X(i))}\" cy=\"{Svg.N(Y(i))}\" r=\"2.5\" data-value=\"{Svg.N(values[i])}\"><title>{Svg.Text(labels[i])}: {Svg.N(values[i])}</title></circle>");
            if (i % labelEvery == 0)
                svg.Append($"<text class=\"label\" x=\"{Svg.N(X(i))}\" y=\"{Svg.N(Height - 5)}\" text-anchor=\"middle\">{Svg.Text(labels[i])}</text>");
        }
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }
}
