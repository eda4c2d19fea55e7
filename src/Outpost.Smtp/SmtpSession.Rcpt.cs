namespace Outpost.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>RCPT TO: adds one recipient; the engine refuses unknown hosted mailboxes here, at once (no backscatter).</summary>
    async Task<bool> RcptAsync(string argument, CancellationToken lifetime)
    {
        if (_sender is null)
            return Error(SmtpReplies.BadSequenceMail);
        if (_recipients.Count >= _options.MaxRecipients)
            return Reply(SmtpReplies.TooManyRecipients);

        var parsed = AddressParser.ParseCommandArgument(argument, "TO", allowNull: false);
        if (parsed.Path is not { } path)
            return Error(parsed.Error);
        if (path.Parameters.Count > 0)
            return Error(new SmtpReply(555, "5.5.4", $"Unsupported parameter {path.Parameters.Keys.First()}"));
        if (!_sender.Parameters.ContainsKey("SMTPUTF8") && !IsAscii(path.Address.LocalPart))
            return Error(new SmtpReply(553, "5.6.7", "A non-ASCII address needs the SMTPUTF8 parameter"));

        var verdict = await _backend.CheckRecipientAsync(_info, _sender, path, lifetime);
        if (!verdict.IsPositive)
            return verdict.IsPermanent ? Error(verdict) : Reply(verdict);
        if (!_recipients.Any(r => r.Address.Normalized == path.Address.Normalized))
            _recipients.Add(path);
        _info.AcceptedRecipients = _recipients.Count;
        return Reply(verdict);
    }
}
