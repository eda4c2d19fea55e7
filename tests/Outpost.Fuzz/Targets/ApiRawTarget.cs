using System.Text;
using Outpost.Engine.Submission;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// POST /api/v1/messages/raw without a web server: the input's first line is the from= parameter, the
/// second the to= parameters (separated by commas), the rest the body. The addresses go through
/// <see cref="ApiSubmission.ParsePath"/>, and one taken must be exactly the text given, with no ESMTP
/// parameters smuggled in; the body is read line by line as <see cref="ApiSubmission"/> reads it, into the
/// spool sink's <see cref="HeaderScanner"/>, then parsed and extracted as the sink does at the end of DATA.
/// </summary>
internal sealed class ApiRawTarget : IFuzzTarget
{
    public string Name => "api-raw";

    public void Run(ReadOnlySpan<byte> input)
    {
        var text = Encoding.UTF8.GetString(input);
        var parts = text.Split('\n', 3);
        var from = parts[0];
        var to = parts.Length > 1 ? parts[1].Split(',') : [];
        CheckPath(from, "FROM");
        foreach (var recipient in to)
            CheckPath(recipient, "TO");

        var body = parts.Length > 2 ? Encoding.UTF8.GetBytes(parts[2]) : [];
        using var reader = new StreamReader(new MemoryStream(body), Encoding.UTF8);
        var scanner = new HeaderScanner();
        var spooled = new MemoryStream();
        while (reader.ReadLine() is { } line)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            scanner.Observe(bytes);
            spooled.Write(bytes);
            spooled.Write("\r\n"u8);
        }
        _ = scanner.RawSubject;
        _ = scanner.RawMessageId;
        MimeTextTarget.Check(spooled.ToArray());
    }

    static void CheckPath(string address, string keyword)
    {
        var parsed = ApiSubmission.ParsePath(address, keyword);
        if (parsed.Path is not { } path)
        {
            if (parsed.Error.Code is < 500 or > 599 || string.IsNullOrWhiteSpace(parsed.Error.Text))
                throw new FuzzFinding("an address was refused without a 5xx reply and a sentence");
            return;
        }
        if (path.Parameters.Count > 0)
            throw new FuzzFinding($"the address '{address}' carried ESMTP parameters into the envelope");
        if (!path.Address.ToString().Equals(address, StringComparison.OrdinalIgnoreCase) && !address.Any(c => c > 127))
            throw new FuzzFinding($"the address '{address}' was taken as {path.Address}");
    }
}
