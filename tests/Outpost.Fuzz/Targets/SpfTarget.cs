using System.Net;
using System.Text;
using Outpost.Engine.Domains.Spf;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// The SPF record parser and check_host() (<see cref="SpfRecord"/>, <see cref="SpfMacro"/>,
/// <see cref="SpfEvaluator"/>): the input's lines are DNS (see <see cref="FuzzDns"/>), and
/// example.com's TXT records are checked for 127.0.0.1 or, when the first byte is odd, ::1. The evaluator
/// must answer with a result and a sentence, keep to the RFC's 10 lookups (past them: permerror), ask DNS
/// a bounded number of times, and each record's terms must print back to a record that parses the same.
/// </summary>
internal sealed class SpfTarget : IFuzzTarget
{
    public string Name => "spf";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var lines = Encoding.UTF8.GetString(input[1..]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var dns = new FuzzDns(lines);
        var ip = (input[0] & 1) == 0 ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        var outcome = new SpfEvaluator(dns).CheckHostAsync(ip, "example.com", "user@example.com").GetAwaiter().GetResult();
        if (string.IsNullOrWhiteSpace(outcome.Reason))
            throw new FuzzFinding($"check_host answered {outcome.Result} without a reason");
        if (outcome.Lookups > SpfEvaluator.MaxLookups && outcome.Result != SpfResult.PermError)
            throw new FuzzFinding($"{outcome.Lookups} lookups and still {outcome.Result}");
        // 10 terms that look up, an MX term's 10 hosts each, void lookups: a few dozen queries at most.
        if (dns.Queries > 1 + SpfEvaluator.MaxLookups * 12)
            throw new FuzzFinding($"check_host asked DNS {dns.Queries} times");

        foreach (var line in lines)
        {
            var space = line.IndexOf(' ');
            var txt = space < 0 ? line : line[(space + 1)..];
            if (SpfRecord.Parse(txt, out var error) is not { } record)
            {
                if (string.IsNullOrEmpty(error))
                    throw new FuzzFinding("a record was refused without a reason");
                continue;
            }
            var printed = "v=spf1" + string.Concat(record.Terms.Select(t => " " + t));
            if (SpfRecord.Parse(printed, out _) is not { } again || !again.Terms.SequenceEqual(record.Terms))
                throw new FuzzFinding($"the record prints back as '{printed}', which does not parse the same");
            foreach (var term in record.Terms.Where(t => t.Argument is not null))
                _ = SpfMacro.Expand(term.Argument!, ip, "example.com", "user@example.com", "example.com");
        }
    }
}
