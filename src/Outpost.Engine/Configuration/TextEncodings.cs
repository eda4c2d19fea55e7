using System.Runtime.CompilerServices;
using System.Text;

namespace Outpost.Engine.Configuration;

/// <summary>
/// Makes the legacy charsets of real mail decodable in every process that loads the Engine.
/// .NET knows only UTF-8/16/32, ASCII and Latin-1 until the code-page provider is registered; without
/// it MimeKit decodes GBK, GB18030, Big5, windows-1252 and ISO-8859-15 parts and RFC 2047 words as
/// Latin-1, so a Chinese mail in GBK reached the content model as mojibake (a third of the Chinese
/// training mails did, until this existed) and a German one lost its euro signs. Registering is
/// idempotent and process-wide, so it happens once, when the Engine is loaded, before any stage runs.
/// </summary>
static class TextEncodings
{
#pragma warning disable CA2255 // A library module initializer on purpose: every host of the Engine (serve, the CLI, tests) decodes mail.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
}
