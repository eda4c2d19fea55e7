using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Outpost.Engine.Configuration;

namespace Outpost.Cli;

/// <summary>
/// Walks every key each configuration source gives (a JSON file, the <c>OUTPOST__</c> variables) against the
/// options types: a key no options class has is an error (a typo would otherwise be ignored and its default go
/// live), and so is a value that does not convert to its property's type (a period like "5 minutes"). Each
/// line names the key, where it came from, the value and what is allowed. Values of secret keys are never shown.
/// </summary>
public static class ConfigurationTree
{
    /// <summary>Sections read by other parts of .NET and allowed as they are (the logging levels and format).</summary>
    static readonly string[] ForeignSections = ["Logging"];

    static readonly string[] SecretKeys = ["Password", "ConnectionString", "Secret", "Token"];

    public static IReadOnlyList<string> Problems(IConfigurationRoot root)
    {
        var lines = new List<string>();
        foreach (var provider in root.Providers)
        {
            var source = Describe(provider);
            foreach (var key in Leaves(provider, null))
            {
                var parts = key.Split(ConfigurationPath.KeyDelimiter);
                if (ForeignSections.Contains(parts[0], StringComparer.OrdinalIgnoreCase))
                    continue;
                provider.TryGet(key, out var value);
                if (Problem(typeof(OutpostOptions), parts, 0, value) is { } problem)
                    lines.Add(Line(provider, source, key, value, problem));
            }
        }
        return lines.Distinct().ToList();
    }

    static IEnumerable<string> Leaves(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parent is null ? child : ConfigurationPath.Combine(parent, child);
            var hasChildren = provider.GetChildKeys([], path).Any();
            if (!hasChildren)
                yield return path;
            else
                foreach (var leaf in Leaves(provider, path))
                    yield return leaf;
            // A key with a value and children (rare) is walked for its children; its own value is checked by binding.
        }
    }

    /// <summary>What is wrong with this key and value against the type, or null.</summary>
    static string? Problem(Type type, string[] parts, int index, string? value)
    {
        if (index == parts.Length)
            return Convertible(type, value);
        var part = parts[index];
        if (ElementType(type) is { } element)
            return int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? Problem(element, parts, index + 1, value)
                : $"is not a setting Outpost knows (a list takes items numbered 0, 1, 2 …)";
        if (DictionaryValueType(type) is { } valueType)
            return Problem(valueType, parts, index + 1, value);
        if (IsScalar(type))
            return "is not a setting Outpost knows (its parent takes a single value)";
        var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .FirstOrDefault(p => p.CanWrite && string.Equals(p.Name, part, StringComparison.OrdinalIgnoreCase));
        if (property is null)
        {
            var near = Nearest(part, type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name));
            return near is null ? "is not a setting Outpost knows" : $"is not a setting Outpost knows; did you mean {string.Join(':', parts[..index].Append(near))}?";
        }
        return Problem(property.PropertyType, parts, index + 1, value);
    }

    static string? Convertible(Type type, string? value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null || (value.Length == 0 && (target == typeof(string) || Nullable.GetUnderlyingType(type) is not null || !IsScalar(target))))
            return null;
        if (!IsScalar(target))
            return value.Length == 0 ? null : "is a section, not a single value";
        if (target == typeof(string))
            return null;
        try
        {
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException || e.InnerException is FormatException or OverflowException)
        {
            return $"is not {Expected(target)}";
        }
    }

    static string Expected(Type t) =>
        t == typeof(TimeSpan) ? "a period like 00:05:00 (hh:mm:ss) or 1.00:00:00 (d.hh:mm:ss)"
        : t == typeof(bool) ? "true or false"
        : t == typeof(int) || t == typeof(long) ? "a whole number"
        : t == typeof(double) ? "a number like 0.1"
        : "a " + t.Name;

    static bool IsScalar(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(TimeSpan) || t == typeof(decimal) || t == typeof(DateTimeOffset);
    }

    static Type? ElementType(Type t) =>
        t.IsArray ? t.GetElementType()
        : t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) ? t.GetGenericArguments()[0]
        : null;

    static Type? DictionaryValueType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? t.GetGenericArguments()[1] : null;

    static string Describe(IConfigurationProvider provider) => provider switch
    {
        JsonConfigurationProvider json => "in " + (json.Source.FileProvider?.GetFileInfo(json.Source.Path ?? "").PhysicalPath ?? json.Source.Path),
        EnvironmentVariablesConfigurationProvider => "from the environment",
        _ => "",
    };

    static string Line(IConfigurationProvider provider, string source, string key, string? value, string problem)
    {
        var name = provider is EnvironmentVariablesConfigurationProvider ? $"{key} (variable {"OUTPOST__" + key.Replace(":", "__", StringComparison.Ordinal)})" : $"{key} ({source})";
        var secret = SecretKeys.Any(s => key.EndsWith(s, StringComparison.OrdinalIgnoreCase));
        var shown = secret || value is null ? "" : $" = '{(value.Length <= 80 ? value : value[..80] + "…")}'";
        return $"{name}{shown} {problem}.".Replace("?.", "?", StringComparison.Ordinal);
    }

    /// <summary>The known name closest to a typo (at most two edits away), if any.</summary>
    static string? Nearest(string typo, IEnumerable<string> names)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var name in names)
        {
            var d = Distance(typo.ToLowerInvariant(), name.ToLowerInvariant());
            if (d < bestDistance)
                (best, bestDistance) = (name, d);
        }
        return best;
    }

    static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var next = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = row[j];
                row[j] = next;
            }
        }
        return row[b.Length];
    }
}
