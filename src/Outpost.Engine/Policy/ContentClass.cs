namespace Outpost.Engine.Policy;

/// <summary>What the content checks look for (R1, F2). All but <see cref="TestMail"/> refuse the message.</summary>
public enum ContentClass
{
    Marketing,
    VerificationCode,
    Prohibited,
    BulkDuplicate,
    /// <summary>Bare numbers or random letters: sent, but likely to land in spam (F2).</summary>
    TestMail,
}
