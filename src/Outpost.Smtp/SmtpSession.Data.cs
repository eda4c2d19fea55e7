using Microsoft.Extensions.Logging;

namespace Outpost.Smtp;

internal sealed partial class SmtpSession
{
    /// <summary>
    /// DATA: streams the message into the engine's sink and answers only when the engine has made it
    /// durable. A bare CR or LF ends the connection; an oversized message is read to its end and refused.
    /// </summary>
    async Task<bool> DataAsync(string argument, CancellationToken lifetime)
    {
        if (argument.Length > 0)
            return Error(new SmtpReply(501, "5.5.4", "DATA takes no argument"));
        if (_sender is null)
            return Error(SmtpReplies.BadSequenceMail);
        if (_recipients.Count == 0)
            return Error(SmtpReplies.NoRecipients);

        IMessageSink sink;
        try
        {
            sink = _backend.OpenMessage(_info, _sender, _recipients.ToArray());
        }
        catch (IOException ex)
        {
            _logger.LogError(ex, "Session {Session}: cannot open the spool", _info.Id);
            return Reply(ResetTransaction(SmtpReplies.LocalError));
        }

        await using (sink)
        {
            _connection.Queue(SmtpReplies.StartData);
            await _connection.FlushAsync(lifetime);

            // A stalled client is cut off by the data timeout (per read); a trickling one by the message deadline.
            DataResult result;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(lifetime))
            {
                deadline.CancelAfter(_options.MessageTimeout);
                try
                {
                    result = await _connection.ReadDataAsync(sink, _options.MaxMessageSize, _options.MaxDataLine, _options.DataTimeout, deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !lifetime.IsCancellationRequested)
                {
                    _backend.OnProtocolRefusal(_info, "data", SmtpReplies.MessageTimeout, _sender);
                    return Fatal(ResetTransaction(SmtpReplies.MessageTimeout));
                }
            }
            var sender = _sender;
            switch (result.Status)
            {
                case LineStatus.Ok:
                    var reply = await sink.CommitAsync(lifetime);
                    return Reply(ResetTransaction(reply));
                case LineStatus.TooBig:
                    var tooBig = SmtpReplies.MessageTooBig(_options.MaxMessageSize);
                    _backend.OnProtocolRefusal(_info, "data", tooBig, sender);
                    return Reply(ResetTransaction(tooBig));
                case LineStatus.TooLong:
                    _backend.OnProtocolRefusal(_info, "data", SmtpReplies.DataLineTooLong, sender);
                    return Reply(ResetTransaction(SmtpReplies.DataLineTooLong));
                case LineStatus.BareLineEnding:
                    _backend.OnProtocolRefusal(_info, "data", SmtpReplies.BareLineEnding, sender);
                    return Fatal(ResetTransaction(SmtpReplies.BareLineEnding));
                default:
                    ResetTransaction(SmtpReplies.Ok);
                    return false;
            }
        }
    }
}
