namespace Outpost.Engine.Tests.Architecture;

/// <summary>
/// Reads the layers from the table in docs/ARCHITECTURE.md, so the page people read is the rule the test
/// checks: rows whose first cell is the layer's number (1, 2, … in order), the folders in backticks in the
/// second cell.
/// </summary>
internal static class LayerTable
{
    public static IReadOnlyList<IReadOnlyList<string>> Parse(string markdown)
    {
        var layers = new List<IReadOnlyList<string>>();
        foreach (var line in markdown.Split('\n'))
        {
            var cells = line.Trim().Split('|');
            if (cells.Length < 4 || cells[0].Length > 0 || !int.TryParse(cells[1].Trim(), out var number))
                continue;
            if (number != layers.Count + 1)
                throw new FormatException($"Layer {number} comes after layer {layers.Count}; number the layers 1, 2, 3, … from the lowest.");
            var folders = cells[2].Split('`').Where((_, i) => i % 2 == 1).Select(f => f.Trim()).ToList();
            if (folders.Count == 0)
                throw new FormatException($"Layer {number} names no folder; put each folder in backticks.");
            layers.Add(folders);
        }
        return layers;
    }
}
