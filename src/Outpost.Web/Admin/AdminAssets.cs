using Microsoft.AspNetCore.Http;

namespace Outpost.Web.Admin;

/// <summary>The admin pages' stylesheet and script, embedded in the assembly and cached by browsers for a day.</summary>
public static class AdminAssets
{
    static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = Load();

    public static IResult Serve(string file, HttpContext http)
    {
        if (!Files.TryGetValue(file, out var asset))
            return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Bytes(asset.Bytes, asset.Type);
    }

    static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(AdminAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("admin/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name["admin/".Length..];
            files[file] = (copy.ToArray(), file.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        }
        return files;
    }
}
