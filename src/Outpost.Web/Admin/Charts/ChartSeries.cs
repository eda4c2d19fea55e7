namespace Outpost.Web.Admin.Charts;

/// <summary>One series of a chart: its name (the legend), a CSS class for its colour, a value per column.</summary>
public sealed record ChartSeries(string Name, string CssClass, IReadOnlyList<double> Values);
