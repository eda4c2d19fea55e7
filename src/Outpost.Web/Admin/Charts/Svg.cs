using System.Globalization;
using System.Net;

namespace Outpost.Web.Admin.Charts;

/// <summary>
/// Small helpers the charts share: numbers written invariantly (a comma in a coordinate breaks SVG) and
/// text escaped, since labels come from remote replies and addresses.
/// </summary>
static class Svg
{
    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Text(string value) => WebUtility.HtmlEncode(value);

    /// <summary>A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least 1.</summary>
    public static double NiceMax(double max)
    {
        if (max <= 1)
            return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
            if (step * power >= max)
                return step * power;
        return 10 * power;
    }
}
