using System.Text.RegularExpressions;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Policy;

/// <summary>
/// One-time code mail: a short code (4–8 digits, or 6–8 letters and digits) standing near wording
/// that presents it as a verification, login or security code, in a short text. A long support reply
/// that mentions an order number is not one.
/// </summary>
public sealed partial class VerificationCodeCheck(PhraseList wording, PolicyOptions options) : IContentCheck
{
    const int Nearness = 120;

    public ClassResult Check(MessageContent content)
    {
        var signals = new List<string>();
        var text = content.Lower;
        var positions = wording.Positions(content.Words);
        if (positions.Count == 0)
            return new ClassResult(ContentClass.VerificationCode, false, 0, signals);
        signals.Add($"code wording ({string.Join(", ", wording.Find(content.Words).Take(3))})");

        string? code = null;
        foreach (Match m in Code().Matches(text))
        {
            if (LooksLikeYearOrDate(m.Value))
                continue;
            if (positions.Any(p => Math.Abs(p - m.Index) <= Nearness))
            {
                code = m.Value;
                break;
            }
        }
        if (code is null)
            return new ClassResult(ContentClass.VerificationCode, false, 1, signals);
        signals.Add($"a code ({code}) next to it");

        var shortText = content.Text.Trim().Length <= options.VerificationCodeMaxText;
        if (shortText)
            signals.Add("a short text");
        var subjectSays = wording.Find(content.Subject.ToLowerInvariant()).Count > 0;
        if (subjectSays)
            signals.Add("code wording in the subject");
        var fired = shortText || subjectSays && content.Text.Length <= options.VerificationCodeMaxText * 3;
        return new ClassResult(ContentClass.VerificationCode, fired, fired ? 3 : 2, signals);
    }

    static bool LooksLikeYearOrDate(string token) =>
        token.Length == 4 && int.TryParse(token, out var year) && year is >= 1900 and <= 2100;

    [GeneratedRegex(@"(?<![\w.,/-])(\d{4,8}|(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{6,8})(?![\w/-]|[.,]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Code();
}
