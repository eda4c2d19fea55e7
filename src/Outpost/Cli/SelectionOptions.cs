using System.CommandLine;
using Outpost.Engine.Queue;

namespace Outpost.Cli;

/// <summary>
/// The queue selection as command-line options, the same on every queue command: an optional queue id,
/// <c>--domain</c>, <c>--sender</c>, <c>--channel</c>, <c>--status</c>, <c>--older-than</c> and <c>--all</c>,
/// read into one <see cref="QueueSelection"/> (its sentence for bad input).
/// </summary>
public sealed class SelectionOptions
{
    readonly Argument<string?> _id = new("id") { Description = "A queue id: the recipients of that message", Arity = ArgumentArity.ZeroOrOne };
    readonly Option<string?> _domain = new("--domain") { Description = "Recipients at this domain (remote.test)" };
    readonly Option<string?> _sender = new("--sender") { Description = "Mail from this sender: an address, @domain, or <> for bounces" };
    readonly Option<string?> _channel = new("--channel") { Description = "Recipients that would go through this channel (local: hosted mailboxes)" };
    readonly Option<string?> _status = new("--status") { Description = "queued, deferred, delivering or held" };
    readonly Option<string?> _olderThan = new("--older-than") { Description = "Messages in the queue at least this long (30m, 2h, 3d)" };
    readonly Option<bool> _all = new("--all") { Description = "Every waiting recipient (an action needs criteria or this)" };

    public SelectionOptions AddTo(Command command)
    {
        command.Arguments.Add(_id);
        foreach (var option in new Option[] { _domain, _sender, _channel, _status, _olderThan, _all })
            command.Options.Add(option);
        return this;
    }

    /// <summary>The selection, or null and the sentence that says what is wrong.</summary>
    public QueueSelection? Read(ParseResult parse, out string? error) =>
        QueueSelection.Parse(parse.GetValue(_id), parse.GetValue(_domain), parse.GetValue(_sender), parse.GetValue(_channel), parse.GetValue(_status),
            parse.GetValue(_olderThan), parse.GetValue(_all), out error);
}
