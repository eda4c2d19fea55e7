using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Policy.Model;
using Outpost.Engine.Queue;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost policy label &lt;message-id&gt; --class X</c> (or <c>--file m.eml</c>): adds a message to the local
/// corpus under a label, for the next <c>outpost policy train</c>. A queued or held message is read
/// from the spool; one that has left it (delivered) can be labelled from a saved copy with --file.
/// </summary>
public static class LabelCommand
{
    public static Command Create()
    {
        var id = new Argument<string?>("message-id") { Description = "The queue id of a message still in the spool (queued, deferred or held)", Arity = ArgumentArity.ZeroOrOne };
        var label = new Option<string>("--class") { Description = $"The true label: {string.Join(", ", ContentLabels.All)}", Required = true };
        var file = new Option<FileInfo?>("--file") { Description = "Label this .eml file instead of a queued message" };
        var command = new Command("label", "Add a message to the local training corpus under its true label") { id, label, file };
        command.SetAction(async (parse, ct) =>
        {
            var which = parse.GetValue(label)!.Trim().ToLowerInvariant();
            await using var cli = CliContext.Create(parse);
            string name;
            Stream content;
            if (parse.GetValue(file) is { } given)
            {
                if (!given.Exists)
                    return Output.Fail($"The file {given.FullName} does not exist.");
                name = "file-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(given.FullName)))[..16];
                content = File.OpenRead(given.FullName);
            }
            else if (parse.GetValue(id) is { } messageId)
            {
                var message = await cli.Get<IQueueStore>().GetMessageAsync(messageId.Trim().ToUpperInvariant(), ct);
                if (message is null)
                    return Output.Fail($"There is no message {messageId} in the queue.");
                try
                {
                    // The body store: the spool file, or on PostgreSQL the body any node stored.
                    content = await cli.Get<Outpost.Engine.Spool.IMessageBodyStore>().OpenReadAsync(message.Id, ct);
                }
                catch (Outpost.Engine.Spool.MessageBodyMissingException)
                {
                    return Output.Fail($"The content of {message.Id} is no longer stored (it was delivered or bounced); label a saved copy with --file.");
                }
                name = message.Id;
            }
            else
                return Output.Fail("Name a queued message's id, or a file with --file.");
            string target;
            try
            {
                await using (content)
                    target = LocalCorpus.Add(cli.Options.DataDirectory, name, which, content);
            }
            catch (ArgumentException ex)
            {
                return Output.Fail(ex.Message);
            }
            Output.Ok($"{name} is labelled {which} in the local corpus ({target}); `outpost policy train` uses it next time.");
            return 0;
        });
        return command;
    }
}
