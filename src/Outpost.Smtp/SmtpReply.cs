using System.Text;

namespace Outpost.Smtp;

/// <summary>
/// One SMTP reply: the three-digit code, the enhanced status code (RFC 3463) and one plain sentence.
/// The same sentence is what the send log, the API and the web show for a refusal.
/// </summary>
public readonly record struct SmtpReply(int Code, string Enhanced, string Text)
{
    public bool IsPositive => Code < 400;
    public bool IsTransient => Code is >= 400 and < 500;
    public bool IsPermanent => Code >= 500;

    /// <summary>Renders the reply as it goes on the wire, multi-line when the text holds line breaks.</summary>
    public string ToWire()
    {
        var lines = (Text ?? "").Split('\n');
        var sb = new StringBuilder();
        for (var i = 0; i < lines.Length; i++)
        {
            sb.Append(Code).Append(i == lines.Length - 1 ? ' ' : '-');
            if (!string.IsNullOrEmpty(Enhanced)) sb.Append(Enhanced).Append(' ');
            sb.Append(lines[i].TrimEnd('\r')).Append("\r\n");
        }
        return sb.ToString();
    }

    public override string ToString() => string.IsNullOrEmpty(Enhanced) ? $"{Code} {Text}" : $"{Code} {Enhanced} {Text}";
}
