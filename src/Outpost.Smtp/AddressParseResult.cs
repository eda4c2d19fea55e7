namespace Outpost.Smtp;

/// <summary>What <see cref="AddressParser"/> made of a path: the path, or the reply that refuses it.</summary>
public readonly record struct AddressParseResult(MailPath? Path, SmtpReply Error)
{
    public bool Ok => Path is not null;
    public static AddressParseResult Fail(SmtpReply error) => new(null, error);
}
