namespace Outpost.Engine.Queue;

/// <summary>
/// A reply as its parts, so that no reader parses a string back: the basic code (550), the enhanced
/// code (5.1.1) when the reply carries one, and the text as it came. An expired message's reply
/// ("Gave up after 5 days; the last try said: 451 4.7.1 …") carries the last try's enhanced code.
/// </summary>
public sealed record RemoteReply(int? Code, string? Enhanced, string Text)
{
    public static RemoteReply Of(DeliveryAttempt attempt) => new(attempt.Code, EnhancedIn(attempt.Reply), attempt.Reply);

    /// <summary>The first enhanced status code among the words of <paramref name="text"/>, or null.</summary>
    public static string? EnhancedIn(string text)
    {
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (IsEnhanced(token))
                return token;
        return null;
    }

    static bool IsEnhanced(string s)
    {
        var p = s.Split('.');
        return p.Length == 3 && p[0] is "2" or "4" or "5" && p[1].Length is > 0 and <= 3 && p[2].Length is > 0 and <= 3
            && p[1].All(char.IsAsciiDigit) && p[2].All(char.IsAsciiDigit);
    }
}
