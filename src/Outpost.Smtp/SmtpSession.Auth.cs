using System.Text;

namespace Outpost.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>
    /// AUTH PLAIN and LOGIN (RFC 4954), offered only over TLS. The engine answers with the same
    /// <c>535 5.7.8 Authentication failed</c> whatever was wrong, and may hold the reply or hang up
    /// to slow down guessing.
    /// </summary>
    async Task<bool> AuthAsync(string argument, CancellationToken lifetime)
    {
        if (_info.Helo is null)
            return Error(SmtpReplies.BadSequenceHelo);
        // The feedback listener is open to anyone; a login there would make it a way round submission.
        if (_info.Mode == ListenerMode.Feedback)
            return Error(new SmtpReply(503, "5.5.1", "AUTH is not offered on this listener"));
        if (_info.AuthenticatedUser is not null)
            return Error(SmtpReplies.AlreadyAuthenticated);
        if (_sender is not null)
            return Error(new SmtpReply(503, "5.5.1", "AUTH is not allowed during a transaction"));
        if (!_info.IsTls)
            return Error(SmtpReplies.EncryptionRequired);

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return Error(new SmtpReply(501, "5.5.4", "Syntax: AUTH mechanism"));
        var mechanism = parts[0].ToUpperInvariant();
        var initial = parts.Length > 1 ? parts[1] : null;

        string? user;
        string? password;
        switch (mechanism)
        {
            case "PLAIN":
            {
                var response = initial ?? await ChallengeAsync("", lifetime);
                if (response is null)
                    return false;
                if (response == "*")
                    return Error(SmtpReplies.AuthCancelled);
                if (Decode(response) is not { } plain)
                    return Error(SmtpReplies.BadBase64);
                // authzid NUL authcid NUL passwd; an authzid other than the user is not supported.
                var fields = plain.Split('\0');
                if (fields.Length != 3 || (fields[0].Length > 0 && !string.Equals(fields[0], fields[1], StringComparison.OrdinalIgnoreCase)))
                    return await FailAuthAsync(new AuthOutcome(false, null, TimeSpan.Zero, false), lifetime);
                user = fields[1];
                password = fields[2];
                break;
            }
            case "LOGIN":
            {
                var userResponse = initial ?? await ChallengeAsync("VXNlcm5hbWU6", lifetime);
                if (userResponse is null)
                    return false;
                if (userResponse == "*")
                    return Error(SmtpReplies.AuthCancelled);
                user = Decode(userResponse);
                if (user is null)
                    return Error(SmtpReplies.BadBase64);
                var passwordResponse = await ChallengeAsync("UGFzc3dvcmQ6", lifetime);
                if (passwordResponse is null)
                    return false;
                if (passwordResponse == "*")
                    return Error(SmtpReplies.AuthCancelled);
                password = Decode(passwordResponse);
                if (password is null)
                    return Error(SmtpReplies.BadBase64);
                break;
            }
            default:
                return Error(SmtpReplies.UnknownMechanism);
        }

        var outcome = await _backend.AuthenticateAsync(_info, user, password, lifetime);
        if (!outcome.Success)
            return await FailAuthAsync(outcome, lifetime);
        _info.AuthenticatedUser = outcome.Identity;
        return Reply(SmtpReplies.AuthSucceeded);
    }

    async Task<bool> FailAuthAsync(AuthOutcome outcome, CancellationToken lifetime)
    {
        if (outcome.Delay > TimeSpan.Zero)
            await Task.Delay(outcome.Delay, lifetime);
        if (outcome.Disconnect)
            return Fatal(new SmtpReply(421, "4.7.0", "Too many failed logins; try again later"));
        // A guesser that keeps one connection open is stopped here; the engine's throttle counts across connections.
        if (++_authFailures >= _options.MaxAuthFailures)
            return Fatal(SmtpReplies.TooManyAuthFailures);
        return Error(SmtpReplies.AuthFailed);
    }

    /// <summary>Sends a 334 challenge and reads the client's answer; null when the connection ended or broke the rules.</summary>
    async Task<string?> ChallengeAsync(string challenge, CancellationToken lifetime)
    {
        _connection.Queue(new SmtpReply(334, "", challenge));
        await _connection.FlushAsync(lifetime);
        var (status, line) = await ReadWithTimeoutAsync(_options.MaxAuthLine, _options.CommandTimeout, lifetime);
        if (status == LineStatus.Ok)
            return line.Trim();
        if (status == LineStatus.BareLineEnding)
            _connection.Queue(SmtpReplies.BareLineEnding);
        else if (status == LineStatus.TooLong)
            _connection.Queue(SmtpReplies.LineTooLong);
        return null;
    }

    static string? Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
