using System.Globalization;
using System.Text;

namespace Outpost.Engine.Queue;

/// <summary>
/// Which waiting recipients an operator means: those of one message, of one recipient domain, from one
/// sender (an address, a whole domain as "@example.com", or the null sender "&lt;&gt;"), going through
/// one channel ("local" for hosted mailboxes), in one status, older than an age — every criterion given
/// must hold — or, said explicitly, all of them. Parsed once from what a person typed (CLI options, API
/// JSON or query, the queue page's form), with one sentence for the first thing that is wrong; the
/// canonical text (<see cref="ToString"/>) is what the audit trail keeps.
/// </summary>
public sealed record QueueSelection
{
    /// <summary>Longest value of any criterion; anything longer is refused before it is looked at.</summary>
    public const int MaxLength = 320;

    /// <summary>The oldest age that can be asked for: far beyond any retry schedule.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(3650);

    public static readonly QueueSelection Everything = new() { All = true };

    public string? MessageId { get; init; }

    /// <summary>The recipients' domain, lower case.</summary>
    public string? Domain { get; init; }

    /// <summary>A sender address or "@domain", lower case; "" for the null sender.</summary>
    public string? Sender { get; init; }

    /// <summary>The channel the recipients would go through: a channel's name, or "local".</summary>
    public string? Channel { get; init; }

    public RecipientStatus? Status { get; init; }

    /// <summary>Only recipients of messages that arrived at least this long ago.</summary>
    public TimeSpan? OlderThan { get; init; }

    /// <summary>Every waiting recipient, said on purpose (an action never reaches everything by leaving the criteria out).</summary>
    public bool All { get; init; }

    /// <summary>The channel name of hosted mailboxes, which are delivered here and go through no outbound channel.</summary>
    public const string LocalChannel = "local";

    public bool HasCriteria => MessageId is not null || Domain is not null || Sender is not null || Channel is not null || Status is not null || OlderThan is not null;

    /// <summary>The domain a sender criterion keeps to ("example.com" for "@example.com" and "alice@example.com"), or null.</summary>
    public string? SenderDomain => Sender is { Length: > 0 } s ? s[(s.IndexOf('@') + 1)..] : null;

    /// <summary>
    /// Reads the criteria as a person typed them: null or blank means "not given". Returns the selection,
    /// or null and the sentence that says what is wrong.
    /// </summary>
    public static QueueSelection? Parse(string? message, string? domain, string? sender, string? channel, string? status, string? olderThan, bool all,
        out string? error)
    {
        error = null;
        foreach (var value in new[] { message, domain, sender, channel, status, olderThan })
            if (value is { Length: > MaxLength } || value is not null && value.Any(char.IsControl))
            {
                // Said without echoing the value: it may be long, or carry line breaks into a log.
                error = $"A selection criterion is one line of at most {MaxLength} characters.";
                return null;
            }
        var selection = new QueueSelection { All = all };
        if (Given(message) is { } m)
        {
            if (QueueActions.NormaliseId(m) is not { } id)
                return Refuse(out error, $"'{m}' is not a queue id; queue ids are letters and digits, as shown by the queue list.");
            selection = selection with { MessageId = id };
        }
        if (Given(domain) is { } d)
        {
            var name = d.TrimStart('@').ToLowerInvariant();
            if (!IsDomain(name))
                return Refuse(out error, $"'{d}' is not a domain; give the recipients' domain, e.g. example.com.");
            selection = selection with { Domain = name };
        }
        if (Given(sender) is { } s)
        {
            var value = s.ToLowerInvariant();
            if (value == "<>")
                selection = selection with { Sender = "" };
            else if (IsSender(value))
                selection = selection with { Sender = value };
            else
                return Refuse(out error, $"'{s}' is not a sender; give an address (alice@example.com), a whole domain (@example.com) or <> for bounces.");
        }
        if (Given(channel) is { } c)
        {
            if (c.Length > 64 || !c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
                return Refuse(out error, $"'{c}' is not a channel name; see outpost channel list (local means hosted mailboxes).");
            selection = selection with { Channel = c.ToLowerInvariant() };
        }
        if (Given(status) is { } st)
        {
            var wanted = RecipientStatusNames.Waiting.Cast<RecipientStatus?>().FirstOrDefault(w => string.Equals(w!.Value.ToName(), st, StringComparison.OrdinalIgnoreCase));
            if (wanted is null)
                return Refuse(out error, $"'{st}' is not a waiting status; use one of {string.Join(", ", RecipientStatusNames.Waiting.Select(w => w.ToName()))}.");
            selection = selection with { Status = wanted };
        }
        if (Given(olderThan) is { } age)
        {
            if (ParseAge(age) is not { } span)
                return Refuse(out error, $"'{age}' is not an age; use e.g. 30m, 2h or 3d (at most {MaxAge.TotalDays:0} days).");
            selection = selection with { OlderThan = span };
        }
        if (all && selection.HasCriteria)
            return Refuse(out error, "Either name criteria or say all, not both.");
        return selection;
    }

    /// <summary>
    /// The selection kept to senders of <paramref name="domain"/> (a domain admin's reach): without a
    /// sender criterion it gets "@domain"; a sender of another domain, or the null sender, is refused.
    /// </summary>
    public QueueSelection? ScopedTo(string domain, out string? error)
    {
        error = null;
        domain = domain.ToLowerInvariant();
        if (Sender is null)
            return this with { Sender = "@" + domain, All = false };
        if (SenderDomain == domain)
            return this;
        error = $"You may select only mail from senders of {domain}.";
        return null;
    }

    /// <summary>
    /// Whether the selection asks for anything: an action needs criteria or "all", so that leaving
    /// everything out never reaches the whole queue by accident.
    /// </summary>
    public string? NeedsCriteria() => HasCriteria || All
        ? null
        : "Say which recipients: a message id, a recipient domain, a sender, a channel, a status or an age, or all for every waiting recipient.";

    /// <summary>Whether a waiting recipient meets the criteria the store cannot see: the channel it would go through.</summary>
    public bool MatchesChannel(string channel) => Channel is null || string.Equals(Channel, channel, StringComparison.OrdinalIgnoreCase);

    /// <summary>The canonical text, as the audit trail keeps it: "domain=remote.test status=deferred", or "all".</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        void Add(string key, string? value)
        {
            if (value is null)
                return;
            if (text.Length > 0)
                text.Append(' ');
            text.Append(key).Append('=').Append(value);
        }
        Add("message", MessageId);
        Add("domain", Domain);
        Add("sender", Sender is null ? null : Sender.Length == 0 ? "<>" : Sender);
        Add("channel", Channel);
        Add("status", Status?.ToName());
        Add("older-than", OlderThan is { } age ? FormatAge(age) : null);
        return text.Length == 0 ? "all" : text.ToString();
    }

    /// <summary>"30m", "2h", "3d", "90s", or a .NET time span ("01:30:00"); null when it is none of these or out of range.</summary>
    public static TimeSpan? ParseAge(string text)
    {
        text = text.Trim();
        TimeSpan? span = null;
        if (text.Length > 1 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= (long)MaxAge.TotalSeconds)
            span = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                'w' => TimeSpan.FromDays(7 * n),
                _ => null,
            };
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed))
            span = parsed;
        return span is { } s && s >= TimeSpan.Zero && s <= MaxAge ? s : null;
    }

    public static string FormatAge(TimeSpan age) =>
        age.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(long)age.TotalDays}d"
        : age.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)age.TotalHours}h"
        : age.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{(long)age.TotalMinutes}m"
        : $"{(long)age.TotalSeconds}s";

    static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    static QueueSelection? Refuse(out string? error, string sentence)
    {
        error = sentence;
        return null;
    }

    /// <summary>Labels of letters and digits joined by dots, with hyphens inside (UTF-8 domains are letters too).</summary>
    static bool IsDomain(string name) =>
        name.Length is > 0 and <= 253 && name.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label.All(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_') && label[0] != '-' && label[^1] != '-');

    static bool IsSender(string value)
    {
        var at = value.LastIndexOf('@');
        if (at < 0 || !IsDomain(value[(at + 1)..]))
            return false;
        var local = value[..at];
        return local.Length <= 64 && local.All(ch => !char.IsWhiteSpace(ch) && !char.IsControl(ch) && ch is not ('<' or '>' or '"' or '@' or ',' or ';'));
    }
}
