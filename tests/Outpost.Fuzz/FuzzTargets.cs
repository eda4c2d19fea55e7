using Outpost.Fuzz.Targets;

namespace Outpost.Fuzz;

/// <summary>Every target, by name; tests/fuzz/run.sh runs each of them in turn.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new SmtpSessionTarget(),
        new SmtpDataTarget(),
        new AddressTarget(),
        new MimeTextTarget(),
        new DkimCanonicalTarget(),
        new SpfTarget(),
        new BounceTarget(),
        new ApiJsonTarget(),
        new ApiRawTarget(),
        new ProxyHeaderTarget(),
    ];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
