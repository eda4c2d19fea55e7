using System.Collections.Concurrent;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;
using Outpost.Smtp;

namespace Outpost.Engine.Domains;

/// <summary>
/// "Why can't I send?" (F1): before a domain's mail may go to an external recipient, two conditions
/// are checked in this order — a paid plan (R2), then verified sending DNS records (S1). The refusal
/// names the first condition that is missing, in one sentence. A domain whose records were never
/// checked, or not ready and not checked for a little while, is checked on the spot; when DNS itself
/// fails, the answer is a 4xx so the client tries again rather than giving up.
/// Internal recipients never pass through here.
/// </summary>
public sealed class SendingGate(IAccountStore accounts, DomainDnsVerifier verifier, SendingOptions options, TimeProvider time)
{
    /// <summary>How long a "may send" verdict is reused: a burst of recipients costs one look at the database.</summary>
    static readonly TimeSpan ReadyCacheTime = TimeSpan.FromSeconds(5);
    readonly ConcurrentDictionary<string, (DateTimeOffset Until, string? Note)> _ready = new();

    /// <summary>The refusal for this sender domain's external mail, or null when it may send.</summary>
    public async Task<SmtpReply?> RefusalAsync(string senderDomain, CancellationToken cancellationToken = default)
    {
        if (_ready.TryGetValue(senderDomain, out var cached) && cached.Until > time.GetUtcNow())
            return null;
        var (refusal, report) = await DecideAsync(senderDomain, cancellationToken);
        if (refusal is null)
            _ready[senderDomain] = (time.GetUtcNow() + ReadyCacheTime, report is null ? await NoteAsync(senderDomain, cancellationToken) : Note(report));
        else
            _ready.TryRemove(senderDomain, out _);
        return refusal;
    }

    /// <summary>The refusal, and the records report it was decided on (none when records are not required or the plan refuses first).</summary>
    async Task<(SmtpReply? Refusal, DomainDnsReport? Report)> DecideAsync(string senderDomain, CancellationToken cancellationToken)
    {
        var domain = await accounts.GetDomainAsync(senderDomain, cancellationToken);
        if (domain is null)
            return (new SmtpReply(550, "5.7.1", $"{senderDomain} is not hosted here, so it cannot send to external recipients"), null);
        if (domain.Plan == Plan.Free)
            return (new SmtpReply(550, "5.7.1", $"The free plan of {senderDomain} cannot send to external recipients; upgrade to a paid plan"), null);
        if (!options.RequireDnsRecords)
            return (null, null);

        var report = await verifier.ReportAsync(senderDomain, cancellationToken);
        if (!report.Ready && (report.CheckedAt is null || time.GetUtcNow() - report.CheckedAt > options.RecheckNotReadyAfter))
            report = await verifier.CheckAsync(senderDomain, cancellationToken);
        if (report.Ready)
            return (null, report);

        var problem = report.FirstProblem!;
        if (problem.Status == DnsRecordStatus.Error)
            return (new SmtpReply(451, "4.7.1", $"The sending DNS records of {senderDomain} could not be checked just now; try again in a few minutes"), report);
        var what = problem.Kind switch
        {
            RecordKind.Spf => $"the SPF record of {senderDomain}",
            RecordKind.Dkim => $"the DKIM record {problem.Name}",
            _ => $"the DMARC record {problem.Name}",
        };
        var state = problem.Status switch
        {
            DnsRecordStatus.Missing => "is missing",
            DnsRecordStatus.Conflict => "is published more than once",
            _ => "is not right",
        };
        return (new SmtpReply(550, "5.7.1", $"The sending DNS records of {senderDomain} are not set up: {what} {state} (see 'outpost domain dns {senderDomain}')"), report);
    }

    /// <summary>S3: when the records became valid only recently, a note that some receivers may not see them yet.</summary>
    public async Task<string?> FreshRecordsNoteAsync(string senderDomain, CancellationToken cancellationToken = default) =>
        _ready.TryGetValue(senderDomain, out var cached) && cached.Until > time.GetUtcNow()
            ? cached.Note
            : await NoteAsync(senderDomain, cancellationToken);

    async Task<string?> NoteAsync(string senderDomain, CancellationToken cancellationToken) =>
        Note(await verifier.ReportAsync(senderDomain, cancellationToken));

    string? Note(DomainDnsReport report)
    {
        if (report.ValidSince is not { } since || time.GetUtcNow() - since > options.FreshRecordsWindow)
            return null;
        return $"the sending DNS records of {report.Domain} were verified only at {since:HH:mm} UTC, and some receivers may not see them for a few hours";
    }
}
