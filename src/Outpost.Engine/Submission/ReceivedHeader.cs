using MimeKit.Utils;
using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>The trace header (RFC 5321 §4.4) Outpost puts on top of every message it accepts.</summary>
public static class ReceivedHeader
{
    public static string Build(SmtpSessionInfo session, string hostname, string id, IReadOnlyList<MailPath> recipients, DateTimeOffset now)
    {
        // RFC 3848 protocol names: S for TLS, A for authenticated.
        var protocol = (session.Esmtp ? "ESMTP" : "SMTP") + (session.IsTls ? "S" : "") + (session.AuthenticatedUser is not null ? "A" : "");
        var helo = Clean(session.Helo ?? "unknown");
        var tls = session.IsTls ? $"\r\n\t(using {session.TlsProtocol} with cipher {session.TlsCipher})" : "";
        var rcpt = recipients.Count == 1 ? $"\r\n\tfor <{recipients[0].Address}>" : "";
        return $"Received: from {helo} ([{session.Remote.Address}]){tls}\r\n\tby {hostname} (Outpost) with {protocol} id {id}{rcpt};\r\n\t{DateUtils.FormatDate(now)}\r\n";
    }

    static string Clean(string text)
    {
        var chars = text.Where(c => c is > ' ' and not '(' and not ')' and not '\\').Take(255).ToArray();
        return chars.Length == 0 ? "unknown" : new string(chars);
    }
}
