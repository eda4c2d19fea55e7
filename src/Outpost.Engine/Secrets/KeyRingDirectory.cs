using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Outpost.Engine.Secrets;

/// <summary>
/// Where the Data Protection key ring lives: <c>&lt;data&gt;/keys/</c>, one XML file per key. The directory
/// is 0700 and each file 0600, Outpost's user alone: the keys are stored unencrypted (like the DKIM keys
/// beside them), so the file system's permissions are what guards them. A file is written beside its final
/// name and renamed into place, so a reader never sees half a key, and a copy restored with loose modes is
/// tightened when it is read.
/// </summary>
public sealed class KeyRingDirectory(string path) : IXmlRepository
{
    public const string DirectoryName = "keys";

    const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!Directory.Exists(Path))
            return [];
        Tighten();
        return Directory.GetFiles(Path, "*.xml").Order(StringComparer.Ordinal).Select(f => XElement.Load(f)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        Ensure();
        // The key manager names keys "key-<guid>"; anything else is made safe as a file name.
        var name = string.Concat(friendlyName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));
        if (name.Length == 0)
            name = Guid.NewGuid().ToString("N");
        var final = System.IO.Path.Combine(Path, name + ".xml");
        var temporary = final + $".{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = FileMode;
            using (var file = new FileStream(temporary, options))
            {
                element.Save(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, final, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    void Ensure()
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(Path);
        else
            Directory.CreateDirectory(Path, DirectoryMode);
        Tighten();
    }

    void Tighten()
    {
        if (OperatingSystem.IsWindows())
            return;
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                                    UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((File.GetUnixFileMode(Path) & others) != 0)
            File.SetUnixFileMode(Path, DirectoryMode);
        foreach (var file in Directory.GetFiles(Path, "*.xml"))
            if ((File.GetUnixFileMode(file) & others) != 0)
                File.SetUnixFileMode(file, FileMode);
    }
}
