using MimeKit;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Reads a labelled corpus: <c>&lt;root&gt;/&lt;label&gt;/*.eml</c>, the label being the folder's name
/// (business, marketing, verification-code, prohibited, test-mail). A <c>labels.tsv</c> beside the
/// folders may say a message's language and whether it is a hard negative; otherwise the language is
/// the file name's prefix (en-, de-, zh-). Each message goes through the same MIME decoding and
/// feature building as mail at submission, so the model learns from what it will see.
/// </summary>
public static class CorpusReader
{
    public static List<CorpusMessage> Read(IEnumerable<string> roots, FeatureBuilder features)
    {
        var messages = new List<CorpusMessage>();
        foreach (var root in roots)
        {
            if (!Directory.Exists(root))
                continue;
            var labels = ReadLabels(Path.Combine(root, "labels.tsv"));
            foreach (var label in ContentLabels.All)
            {
                var folder = Path.Combine(root, label);
                if (!Directory.Exists(folder))
                    continue;
                foreach (var file in Directory.EnumerateFiles(folder, "*.eml").Order(StringComparer.Ordinal))
                {
                    var id = System.IO.Path.GetFileNameWithoutExtension(file);
                    labels.TryGetValue(id, out var row);
                    var language = row.Language ?? (id.Length > 3 && id[2] == '-' ? id[..2] : "xx");
                    messages.Add(new CorpusMessage(id, file, label, language, row.Hard, Features(file, features)));
                }
            }
        }
        return messages;
    }

    public static MessageFeatures Features(string file, FeatureBuilder features)
    {
        using var stream = File.OpenRead(file);
        using var mime = MimeMessage.Load(stream);
        return features.Build(ContentExtractor.Extract(mime, new FileInfo(file).Length));
    }

    static Dictionary<string, (string? Language, bool Hard)> ReadLabels(string path)
    {
        var rows = new Dictionary<string, (string?, bool)>(StringComparer.Ordinal);
        if (!File.Exists(path))
            return rows;
        string[]? header = null;
        foreach (var line in File.ReadLines(path))
        {
            var cells = line.Split('\t');
            if (header is null)
            {
                header = cells;
                continue;
            }
            var id = Cell(header, cells, "id");
            if (id is null)
                continue;
            rows[id] = (Cell(header, cells, "language"), Cell(header, cells, "hard") == "yes");
        }
        return rows;
    }

    static string? Cell(string[] header, string[] cells, string name)
    {
        var i = Array.IndexOf(header, name);
        return i >= 0 && i < cells.Length ? cells[i] : null;
    }
}
