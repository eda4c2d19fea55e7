namespace Outpost.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>EHLO / HELO: names the client, resets any transaction, lists the extensions on offer.</summary>
    bool Ehlo(string argument, bool esmtp)
    {
        if (argument.Length == 0 || argument.Contains(' '))
            return Error(new SmtpReply(501, "5.5.4", esmtp ? "Syntax: EHLO hostname" : "Syntax: HELO hostname"));
        ResetTransaction(SmtpReplies.Ok);
        _info.Helo = argument;
        _info.Esmtp = esmtp;
        if (!esmtp)
            return Reply(new SmtpReply(250, "", _options.Hostname));

        var lines = new List<string>
        {
            $"{_options.Hostname} greets {argument}",
            "PIPELINING",
            $"SIZE {_options.MaxMessageSize}",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
        };
        if (!_info.IsTls && TlsAvailable)
            lines.Add("STARTTLS");
        if (_info.IsTls && _info.AuthenticatedUser is null && _info.Mode != ListenerMode.Feedback)
            lines.Add("AUTH PLAIN LOGIN");
        return Reply(new SmtpReply(250, "", string.Join('\n', lines)));
    }
}
