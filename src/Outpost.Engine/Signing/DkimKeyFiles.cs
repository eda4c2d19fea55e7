using Outpost.Engine.Spool;

namespace Outpost.Engine.Signing;

/// <summary>
/// Private DKIM keys as PKCS#8 PEM files under <c>&lt;data&gt;/dkim/&lt;domain&gt;/&lt;selector&gt;.pem</c>,
/// created readable by Outpost's user only. They are never logged and never leave through any command or API.
/// </summary>
public sealed class DkimKeyFiles(string dataDirectory) : IDkimPrivateKeys
{
    readonly string _root = Path.Combine(Path.GetFullPath(dataDirectory), "dkim");

    string PathFor(string domain, string selector)
    {
        if (domain.Contains('/') || domain.StartsWith('.') || selector.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
            throw new ArgumentException("Unsafe DKIM key name.");
        return Path.Combine(_root, domain, selector + ".pem");
    }

    public void Write(string domain, string selector, string pem)
    {
        var path = PathFor(domain, selector);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (var file = MessageSpool.CreatePrivate(path))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(pem);
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        FileSync.Directory(directory);
    }

    public string Read(string domain, string selector) => File.ReadAllText(PathFor(domain, selector));

    public void Delete(string domain, string selector)
    {
        var path = PathFor(domain, selector);
        if (File.Exists(path))
            File.Delete(path);
    }
}
