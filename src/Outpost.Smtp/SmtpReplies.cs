namespace Outpost.Smtp;

/// <summary>The fixed replies of the protocol layer, so every session says the same words.</summary>
public static class SmtpReplies
{
    public static readonly SmtpReply Ok = new(250, "2.0.0", "Ok");
    public static readonly SmtpReply Bye = new(221, "2.0.0", "Bye");
    public static readonly SmtpReply StartData = new(354, "", "End data with <CR><LF>.<CR><LF>");
    public static readonly SmtpReply ReadyForTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication succeeded");
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication failed");
    public static readonly SmtpReply AuthRequired = new(530, "5.7.0", "Authentication required");
    public static readonly SmtpReply EncryptionRequired = new(538, "5.7.11", "Encryption required: send STARTTLS first");
    public static readonly SmtpReply AuthCancelled = new(501, "5.7.0", "Authentication cancelled");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication mechanism");
    public static readonly SmtpReply BadBase64 = new(501, "5.5.2", "Cannot decode the authentication response");
    public static readonly SmtpReply BadSequenceHelo = new(503, "5.5.1", "Send EHLO or HELO first");
    public static readonly SmtpReply BadSequenceMail = new(503, "5.5.1", "Send MAIL FROM first");
    public static readonly SmtpReply NestedMail = new(503, "5.5.1", "A transaction is already in progress; send RSET first");
    public static readonly SmtpReply NoRecipients = new(554, "5.5.1", "No valid recipients");
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients for one message; send the rest in another message");
    public static readonly SmtpReply Unrecognized = new(500, "5.5.2", "Command not recognized");
    public static readonly SmtpReply TooManyAuthFailures = new(421, "4.7.0", "Too many failed logins on this connection; closing it");
    public static readonly SmtpReply MessageTimeout = new(421, "4.4.2", "The message took too long to arrive; closing the connection");
    public static readonly SmtpReply TooManyErrors = new(421, "4.7.0", "Too many errors; closing the connection");
    public static readonly SmtpReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly SmtpReply BareLineEnding = new(500, "5.5.2", "Bare CR or LF is not allowed; lines must end with CRLF");
    public static readonly SmtpReply TlsNotAvailable = new(454, "4.7.0", "TLS not available");
    public static readonly SmtpReply TlsAlreadyActive = new(503, "5.5.1", "TLS is already active");
    public static readonly SmtpReply Timeout = new(421, "4.4.2", "Timeout; closing the connection");
    public static readonly SmtpReply ShuttingDown = new(421, "4.3.2", "Service shutting down; try again later");
    public static readonly SmtpReply LocalError = new(451, "4.3.0", "Local error; the message was not accepted, please try again later");
    public static readonly SmtpReply DataLineTooLong = new(500, "5.6.0", "Message has a line longer than 998 characters; lines must be wrapped");
    public static readonly SmtpReply VrfyDisabled = new(252, "2.5.2", "Cannot verify the user, but will accept the message");
    public static readonly SmtpReply SyntaxParams = new(501, "5.5.4", "Syntax error in parameters");
    public static readonly SmtpReply ProxyHeaderMissing = new(421, "4.7.0", "The load balancer's connection did not begin with a valid PROXY protocol header");
    public static readonly SmtpReply ProxyHeaderNotTrusted = new(554, "5.7.0", "PROXY protocol headers are accepted only from the configured load balancers");
    public static readonly SmtpReply NotHttp = new(521, "5.5.1", "This is an SMTP server, not an HTTP proxy");

    public static SmtpReply MessageTooBig(long limit) =>
        new(552, "5.3.4", $"Message exceeds the {FormatSize(limit)} limit; share large files through a link instead");

    /// <summary>"25 MB" for the default limit: the figure users see in every refusal.</summary>
    public static string FormatSize(long bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MB" : $"{bytes} bytes";
}
