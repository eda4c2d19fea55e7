namespace Outpost.Engine.Policy;

/// <summary>The codes and plain sentences of the content classes: the same words in SMTP, the log, the CLI and the API.</summary>
public static class ContentClassNames
{
    public static string Code(this ContentClass c) => c switch
    {
        ContentClass.Marketing => "marketing",
        ContentClass.VerificationCode => "verification-code",
        ContentClass.Prohibited => "prohibited",
        ContentClass.BulkDuplicate => "bulk-duplicate",
        _ => "test-mail",
    };

    public static string Sentence(this ContentClass c) => c switch
    {
        ContentClass.Marketing => "This looks like marketing or advertising mail, which this service does not send; please use a marketing mail provider",
        ContentClass.VerificationCode => "This looks like a verification-code (one-time code) mail, which this service does not send",
        ContentClass.Prohibited => "This message contains pornographic, violent or otherwise illegal content, which this service does not send",
        ContentClass.BulkDuplicate => "The same content has gone to too many external mailboxes; this service is for business mail, not bulk mail",
        _ => "This looks like a test mail (bare numbers or random letters), which receivers often put in spam",
    };

    public static bool Refuses(this ContentClass c) => c != ContentClass.TestMail;

    public static ContentClass? Parse(string code) =>
        Enum.GetValues<ContentClass>().Cast<ContentClass?>().FirstOrDefault(c => c!.Value.Code() == code);
}
