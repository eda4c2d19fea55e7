namespace Outpost.Scenarios.Infrastructure;

/// <summary>
/// A DNS zone file for the authoritative server, signed for DNSSEC with ldns-utils (Debian's ldnsutils):
/// a key-signing and a zone-signing key made by ldns-keygen (ECDSA P-256), the zone signed by
/// ldns-signzone. <see cref="TrustAnchor"/> is the KSK's DS record, which the validating resolver takes as
/// its trust anchor. <see cref="BreakSignature"/> corrupts the signature of one record set, so that a
/// validating resolver finds it bogus.
/// </summary>
public sealed class SignedZone
{
    public string Name { get; }
    public string File { get; }
    public string TrustAnchor { get; }

    SignedZone(string name, string file, string trustAnchor)
    {
        Name = name;
        File = file;
        TrustAnchor = trustAnchor;
    }

    /// <summary>Writes <paramref name="records"/> (zone-file lines relative to the origin) as a zone, with SOA and NS, and signs it.</summary>
    public static async Task<SignedZone> CreateAsync(string directory, string name, IEnumerable<string> records)
    {
        var zone = Path.Combine(directory, name + ".zone");
        await System.IO.File.WriteAllLinesAsync(zone, Unsigned(name, records));
        var keygen = Paths.Tool("ldns-keygen");
        async Task<string> KeyAsync(bool ksk)
        {
            // ldns-keygen writes its key files into the working directory and prints their base name.
            var made = await Processes.RunAsync("/bin/sh", ["-c", "cd \"$1\" && exec \"$2\" -a ECDSAP256SHA256 " + (ksk ? "-k " : "") + "\"$3\"", "sh", directory, keygen, name]);
            Assert.True(made.ExitCode == 0, made.All);
            return Path.Combine(directory, made.Output.Trim());
        }
        var ksk = await KeyAsync(ksk: true);
        var zsk = await KeyAsync(ksk: false);
        var signed = await Processes.RunAsync(Paths.Tool("ldns-signzone"), ["-f", zone + ".signed", zone, ksk, zsk]);
        Assert.True(signed.ExitCode == 0, signed.All);
        var ds = string.Join(' ', (await System.IO.File.ReadAllTextAsync(ksk + ".ds")).Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));
        return new SignedZone(name, zone + ".signed", ds);
    }

    /// <summary>The zone's lines without signatures (an unsigned zone is served as it is).</summary>
    public static IEnumerable<string> Unsigned(string name, IEnumerable<string> records) =>
        new[]
        {
            $"$ORIGIN {name}.", "$TTL 300",
            $"@ IN SOA ns.{name}. hostmaster.{name}. 1 3600 600 86400 300",
            $"@ IN NS ns.{name}.",
            "ns IN A 127.0.0.1",
        }.Concat(records);

    /// <summary>Corrupts the signature over the <paramref name="type"/> records of <paramref name="owner"/> (a full name with its final dot).</summary>
    public async Task BreakSignature(string owner, string type)
    {
        var lines = await System.IO.File.ReadAllLinesAsync(File);
        var broken = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var fields = lines[i].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 5 && fields[0] == owner && fields[3] == "RRSIG" && fields[4] == type)
            {
                var signature = fields[^1];
                lines[i] = lines[i][..^signature.Length] + (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
                broken++;
            }
        }
        Assert.True(broken > 0, $"no RRSIG over {type} at {owner} in {File}");
        await System.IO.File.WriteAllLinesAsync(File, lines);
    }
}
