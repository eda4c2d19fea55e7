namespace Outpost.Smtp.Client;

/// <summary>
/// A reply from the remote server: its three-digit code and its text, every line joined by a space
/// (the enhanced status code stays in the text, as the server wrote it). This is what the send log
/// keeps and a bounce quotes.
/// </summary>
public readonly record struct RemoteReply(int Code, string Text)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsTransient => Code is >= 400 and < 500;

    public override string ToString() => Text.Length == 0 ? Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Code} {Text}";
}
