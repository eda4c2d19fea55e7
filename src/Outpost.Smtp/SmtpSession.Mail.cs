namespace Outpost.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>MAIL FROM: opens a transaction. Needs AUTH (or a trusted network) and a sender the engine allows.</summary>
    async Task<bool> MailAsync(string argument, CancellationToken lifetime)
    {
        if (_info.Helo is null)
            return Error(SmtpReplies.BadSequenceHelo);
        if (_sender is not null)
            return Error(SmtpReplies.NestedMail);
        if (!_info.MaySend)
        {
            _backend.OnProtocolRefusal(_info, "mail", SmtpReplies.AuthRequired, null);
            return Error(SmtpReplies.AuthRequired);
        }

        var parsed = AddressParser.ParseCommandArgument(argument, "FROM", allowNull: true);
        if (parsed.Path is not { } path)
            return Error(parsed.Error);

        foreach (var (name, value) in path.Parameters)
        {
            switch (name)
            {
                case "SIZE":
                    if (!long.TryParse(value, out var declared) || declared < 0)
                        return Error(new SmtpReply(501, "5.5.4", "SIZE needs a number"));
                    if (declared > _options.MaxMessageSize)
                    {
                        var tooBig = SmtpReplies.MessageTooBig(_options.MaxMessageSize);
                        _backend.OnProtocolRefusal(_info, "mail", tooBig, path);
                        return Error(tooBig);
                    }
                    break;
                case "BODY":
                    if (value is null || !(value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)))
                        return Error(new SmtpReply(501, "5.5.4", "BODY must be 7BIT or 8BITMIME"));
                    break;
                case "SMTPUTF8":
                    if (value is not null)
                        return Error(new SmtpReply(501, "5.5.4", "SMTPUTF8 takes no value"));
                    break;
                default:
                    return Error(new SmtpReply(555, "5.5.4", $"Unsupported parameter {name}"));
            }
        }
        if (!path.Parameters.ContainsKey("SMTPUTF8") && !IsAscii(path.Address.LocalPart))
            return Error(new SmtpReply(553, "5.6.7", "A non-ASCII address needs the SMTPUTF8 parameter"));

        var verdict = await _backend.CheckSenderAsync(_info, path, lifetime);
        if (!verdict.IsPositive)
            return Error(verdict);
        _sender = path;
        _transactionSeen = true;
        return Reply(verdict);
    }

    static bool IsAscii(string s) => s.All(char.IsAscii);
}
