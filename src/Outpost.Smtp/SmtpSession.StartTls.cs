namespace Outpost.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>STARTTLS (RFC 3207): after the handshake the session forgets everything, HELO included.</summary>
    async Task<bool> StartTlsAsync(string argument, CancellationToken lifetime)
    {
        if (argument.Length > 0)
            return Error(new SmtpReply(501, "5.5.4", "STARTTLS takes no argument"));
        if (_info.IsTls)
            return Error(SmtpReplies.TlsAlreadyActive);
        if (_certificate is null)
            return Error(SmtpReplies.TlsNotAvailable);

        _connection.Queue(SmtpReplies.ReadyForTls);
        await _connection.FlushAsync(lifetime);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        handshake.CancelAfter(TimeSpan.FromSeconds(30));
        await _connection.StartTlsAsync(_certificate, handshake.Token);
        _info.TlsProtocol = _connection.TlsProtocol;
        _info.TlsCipher = _connection.TlsCipher;
        _info.Helo = null;
        _info.Esmtp = false;
        _info.AuthenticatedUser = null;
        ResetTransaction(SmtpReplies.Ok);
        return true;
    }
}
