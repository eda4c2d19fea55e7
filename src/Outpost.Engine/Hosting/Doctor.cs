using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;
using Outpost.Engine.Domains.Spf;
using Outpost.Engine.Routing.Channels;

namespace Outpost.Engine.Hosting;

/// <summary>
/// <c>outpost doctor</c> and the operators' doctor page: checks what breaks mail in practice and says how to
/// fix each thing: the configuration's placeholders, listeners bindable (or held by the running service),
/// the resolvers, the certificate's names and expiry, reverse DNS of every source address matching its HELO
/// name and resolving back, the service's SPF include listing every sending address, the data directory's
/// owner, permissions and free space, the database's integrity and schema version, and the clock against
/// the configured time servers (NTP). Talks to the configured resolvers, the configured time servers (one
/// UDP query each, until one answers), the loopback/configured listener addresses (a bind, or a connect to
/// read a greeting), the channel store, the database's read-only self-check and the file system. Security stance:
/// read-only, no secret in any sentence (no passwords, keys or connection strings), and shown to operators only.
/// </summary>
public sealed class Doctor(OutpostOptions options, ITxtResolver dns, IChannelStore channels, IDatabaseCheck? database, TimeProvider time)
{
    /// <summary>Below this a full disk is near: the spool takes up to 25 MB a message.</summary>
    const long LowSpace = 1L << 30;
    const long NoSpace = 100L << 20;

    public async Task<IReadOnlyList<DoctorFinding>> RunAsync(CancellationToken cancellationToken = default)
    {
        var findings = new List<DoctorFinding>();
        Configuration(findings);
        foreach (var (key, value) in OptionsValidator.AllListeners(options))
            findings.Add(await ListenerAsync(key, value, cancellationToken));
        findings.Add(await ResolversAsync(cancellationToken));
        findings.Add(Certificate());
        findings.AddRange(await ReverseDnsAsync(cancellationToken));
        findings.AddRange(await SpfIncludeAsync(cancellationToken));
        findings.AddRange(DataDirectory());
        findings.AddRange(await DatabaseAsync(cancellationToken));
        findings.Add(await ClockAsync(cancellationToken));
        return findings;
    }

    /// <summary>The local clock against the first configured time server that answers (NTP over UDP); unchecked when none is configured.</summary>
    async Task<DoctorFinding> ClockAsync(CancellationToken ct)
    {
        var doctor = options.Doctor;
        if (doctor.TimeServers.Count == 0)
            return new DoctorFinding("clock", DoctorSeverity.Ok,
                $"The local clock says {time.GetUtcNow():yyyy-MM-dd HH:mm:ss}Z; it is unchecked (no time server is configured).",
                "Set Doctor:TimeServers (e.g. [\"pool.ntp.org\"]) to compare it with a time server, and keep it synchronised (systemd-timesyncd or chrony).");
        var failures = new List<string>();
        foreach (var entry in doctor.TimeServers)
        {
            ConfigurationValues.TryHostAndPort(entry, 123, out var host, out var port); // validated at start
            IPAddress[] addresses;
            try
            {
                addresses = await HostAddresses.OfAsync(host, ct);
            }
            catch (SocketException e)
            {
                failures.Add($"{entry}: its name does not resolve ({e.Message.TrimEnd('.')})");
                continue;
            }
            if (addresses.Length == 0)
            {
                failures.Add($"{entry}: its name has no address");
                continue;
            }
            var (offset, error) = await NtpQuery.OffsetAsync(new IPEndPoint(addresses[0], port), time, doctor.TimeServerTimeout, ct);
            if (offset is not { } skew)
            {
                failures.Add($"{entry}: {error}");
                continue;
            }
            var size = skew.Duration();
            var shown = $"{size.TotalSeconds:0.0} s {(skew >= TimeSpan.Zero ? "ahead of" : "behind")} {entry}";
            if (size >= doctor.ClockProblem)
                return new DoctorFinding("clock", DoctorSeverity.Problem,
                    $"The local clock is {shown}; receivers judge DKIM signatures and TLS certificates by their own clocks, so mail and TLS fail.",
                    "Synchronise the clock (timedatectl set-ntp true, or chrony) and check again.");
            if (size >= doctor.ClockWarning)
                return new DoctorFinding("clock", DoctorSeverity.Warning,
                    $"The local clock is {shown}; receivers may distrust Date headers and DKIM timestamps.",
                    "Synchronise the clock (timedatectl set-ntp true, or chrony).");
            return new DoctorFinding("clock", DoctorSeverity.Ok, $"The local clock is within {size.TotalSeconds:0.0} s of {entry}.");
        }
        return new DoctorFinding("clock", DoctorSeverity.Warning, $"The clock could not be checked: {string.Join("; ", failures)}.",
            "Check Doctor:TimeServers and that UDP port 123 to them is open, then run the doctor again.");
    }

    void Configuration(List<DoctorFinding> findings)
    {
        var placeholders = OptionsValidator.Check(options).Where(p => p.Placeholder).ToList();
        var production = OutpostEnvironment.IsProduction(options);
        foreach (var p in placeholders)
            findings.Add(new DoctorFinding("configuration", production ? DoctorSeverity.Problem : DoctorSeverity.Warning, p.Line,
                $"Set {p.Key} in the configuration file (outpost serve refuses it when Environment is Production)."));
        if (placeholders.Count == 0)
            findings.Add(new DoctorFinding("configuration", DoctorSeverity.Ok, $"The configuration has no placeholders left (environment {options.Environment})."));
    }

    async Task<DoctorFinding> ListenerAsync(string key, string value, CancellationToken ct)
    {
        var check = "listener " + key;
        if (!ConfigurationValues.TryEndpoint(value, out var endpoint))
            return new DoctorFinding(check, DoctorSeverity.Problem, $"{key} is '{value}', not an address and port.", "Write it like 0.0.0.0:587.");
        try
        {
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(endpoint);
            return new DoctorFinding(check, DoctorSeverity.Ok, $"{key} ({value}) can be bound.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            var who = await WhoListensAsync(key, endpoint, ct);
            return who
                ? new DoctorFinding(check, DoctorSeverity.Ok, $"{key} ({value}) is bound by the running Outpost.")
                : new DoctorFinding(check, DoctorSeverity.Problem, $"{key} ({value}) is taken by another program.",
                    $"Stop that program (ss -ltnp 'sport = :{endpoint.Port}' names it) or move {key} to another port.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
        {
            return new DoctorFinding(check, DoctorSeverity.Problem, $"{key} ({value}) may not be bound by this user (a port below 1024).",
                "Run the service with AmbientCapabilities=CAP_NET_BIND_SERVICE, or use a port above 1023 behind a redirect.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            return new DoctorFinding(check, DoctorSeverity.Problem, $"{key} ({value}) names an address this machine does not have.",
                $"Use one of this machine's addresses (ip -brief address), or 0.0.0.0 for all.");
        }
    }

    /// <summary>Whether what listens there is this Outpost: its SMTP greeting names the host name, its HTTP answers /healthz.</summary>
    async Task<bool> WhoListensAsync(string key, IPEndPoint endpoint, CancellationToken ct)
    {
        var target = IPAddress.Any.Equals(endpoint.Address) || IPAddress.IPv6Any.Equals(endpoint.Address)
            ? new IPEndPoint(endpoint.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback, endpoint.Port)
            : endpoint;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient(target.AddressFamily);
            await client.ConnectAsync(target, limit.Token);
            var stream = client.GetStream();
            if (key == "Http:Listen")
            {
                if (options.Http.Tls)
                    return true; // a TLS handshake just to ask is more than a doctor should do; the port answers
                await stream.WriteAsync("GET /healthz HTTP/1.0\r\n\r\n"u8.ToArray(), limit.Token);
            }
            var buffer = new byte[512];
            var read = key == "Smtp:SubmissionTls" ? 0 : await stream.ReadAsync(buffer, limit.Token);
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            return key switch
            {
                "Smtp:SubmissionTls" => true, // implicit TLS says nothing before the handshake
                "Http:Listen" => text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains("\r\n\r\nok", StringComparison.Ordinal),
                _ => text.StartsWith("220 " + options.Hostname, StringComparison.OrdinalIgnoreCase),
            };
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    async Task<DoctorFinding> ResolversAsync(CancellationToken ct)
    {
        var servers = options.Dns.Servers.Count == 0 ? "the system's resolvers" : string.Join(", ", options.Dns.Servers);
        var answer = await dns.TxtAsync(options.Sending.SpfInclude, ct);
        return answer.Failed
            ? new DoctorFinding("resolvers", DoctorSeverity.Problem, $"The resolvers ({servers}) did not answer: {answer.Error}.",
                "Check Dns:Servers and that the resolver is reachable (dig @server example.com); without DNS no remote mail leaves.")
            : new DoctorFinding("resolvers", DoctorSeverity.Ok, $"The resolvers ({servers}) answer.");
    }

    DoctorFinding Certificate()
    {
        var tls = options.Tls;
        var path = string.IsNullOrEmpty(tls.CertificatePath) ? Path.Combine(options.DataDirectory, "tls", "self-signed.pfx") : tls.CertificatePath;
        if (!File.Exists(path))
            return new DoctorFinding("certificate", DoctorSeverity.Warning, "No certificate exists yet; outpost serve makes a self-signed one on first start.",
                "Set Tls:CertificatePath and Tls:KeyPath to a certificate for " + options.Hostname + ".");
        X509Certificate2 certificate;
        try
        {
            certificate = !string.IsNullOrEmpty(tls.KeyPath) ? X509Certificate2.CreateFromPemFile(path, tls.KeyPath)
                : path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase) ? X509CertificateLoader.LoadCertificateFromFile(path)
                : X509CertificateLoader.LoadPkcs12FromFile(path, string.IsNullOrEmpty(tls.CertificatePath) ? null : tls.CertificatePassword);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return new DoctorFinding("certificate", DoctorSeverity.Problem, $"The certificate {path} cannot be read: {e.Message.TrimEnd('.')}.",
                "Check the file, its key and its password (Tls:CertificatePassword), and that the service's user may read them.");
        }
        using (certificate)
        {
            var names = Names(certificate);
            var left = certificate.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime;
            var shown = $"The certificate for {string.Join(", ", names)} expires {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}";
            if (left < TimeSpan.Zero)
                return new DoctorFinding("certificate", DoctorSeverity.Problem, shown.Replace("expires", "expired", StringComparison.Ordinal) + "; clients refuse it.", "Renew it and restart outpost serve.");
            if (!names.Any(n => Matches(n, options.Hostname)))
                return new DoctorFinding("certificate", DoctorSeverity.Problem, $"{shown}, but it does not name {options.Hostname}; clients will refuse it.",
                    $"Get a certificate for {options.Hostname}, or set Hostname to a name the certificate holds.");
            if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                return new DoctorFinding("certificate", DoctorSeverity.Warning, $"{shown}; it is self-signed, so mail clients will warn or refuse.",
                    "Set Tls:CertificatePath and Tls:KeyPath to a certificate from a public authority (e.g. Let's Encrypt).");
            if (left < TimeSpan.FromDays(14))
                return new DoctorFinding("certificate", DoctorSeverity.Warning, $"{shown}, in {left.Days} days.", "Renew it soon and restart outpost serve.");
            return new DoctorFinding("certificate", DoctorSeverity.Ok, $"{shown}.");
        }
    }

    static List<string> Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
            if (extension is X509SubjectAlternativeNameExtension san)
                names.AddRange(san.EnumerateDnsNames());
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.DnsName, false) is { Length: > 0 } cn)
            names.Add(cn);
        return names;
    }

    static bool Matches(string pattern, string host) =>
        string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase)
        || (pattern.StartsWith("*.", StringComparison.Ordinal) && host.IndexOf('.') is var dot and > 0 && string.Equals(pattern[1..], host[dot..], StringComparison.OrdinalIgnoreCase));

    /// <summary>Every source address with the name it says in EHLO: direct channels bound to one, and Sending:Addresses.</summary>
    async Task<IReadOnlyList<DoctorFinding>> ReverseDnsAsync(CancellationToken ct)
    {
        var defaultHelo = options.Delivery.HeloName ?? options.Hostname;
        var sources = new List<(string Source, IPAddress Address, string Helo)>();
        foreach (var channel in await channels.ListAsync(ct))
            if (channel is { Kind: ChannelKind.Direct, BindAddress: { } bind } && IPAddress.TryParse(bind, out var address))
                sources.Add(($"channel {channel.Name}", address, channel.HeloName ?? defaultHelo));
        foreach (var text in options.Sending.Addresses)
            if (IPAddress.TryParse(text.Trim(), out var address) && !sources.Any(s => s.Address.Equals(address)))
                sources.Add(($"sending address {address}", address, defaultHelo));
        var findings = new List<DoctorFinding>();
        foreach (var (source, address, helo) in sources)
        {
            var check = "reverse DNS " + address;
            var names = await dns.PointerAsync(address, ct);
            if (names.Failed)
            {
                findings.Add(new DoctorFinding(check, DoctorSeverity.Warning, $"The reverse DNS of {address} ({source}) could not be looked up: {names.Error}.", "Check the resolvers, then run the doctor again."));
                continue;
            }
            if (names.Records.Count == 0)
            {
                findings.Add(new DoctorFinding(check, DoctorSeverity.Problem, $"{address} ({source}) has no reverse DNS; receivers such as Gmail refuse or junk mail from it.",
                    $"Ask whoever owns {address} (your hosting provider) for a PTR record naming {helo}."));
                continue;
            }
            if (!names.Records.Any(n => string.Equals(n, helo, StringComparison.OrdinalIgnoreCase)))
            {
                findings.Add(new DoctorFinding(check, DoctorSeverity.Problem, $"The reverse DNS of {address} ({source}) is {string.Join(", ", names.Records)}, not its HELO name {helo}.",
                    $"Set the PTR record of {address} to {helo}, or give the source the HELO name its PTR has."));
                continue;
            }
            var forward = await dns.AddressesAsync(helo, ct);
            if (forward.Failed || !forward.Records.Any(a => a.Equals(address)))
            {
                findings.Add(new DoctorFinding(check, DoctorSeverity.Problem, $"{helo} (the reverse DNS of {address}, {source}) does not resolve back to {address}.",
                    $"Publish an {(address.AddressFamily == AddressFamily.InterNetwork ? "A" : "AAAA")} record {helo} → {address}."));
                continue;
            }
            findings.Add(new DoctorFinding(check, DoctorSeverity.Ok, $"{address} ({source}) has reverse DNS {helo}, which resolves back."));
        }
        return findings;
    }

    async Task<IReadOnlyList<DoctorFinding>> SpfIncludeAsync(CancellationToken ct)
    {
        var include = options.Sending.SpfInclude;
        if (options.Sending.Addresses.Count == 0)
            return [new DoctorFinding("spf include", DoctorSeverity.Warning, $"Sending:Addresses is empty, so the SPF include {include} is not checked against the addresses mail leaves from.",
                "List every address Outpost sends from in Sending:Addresses.")];
        var spf = new SpfEvaluator(dns);
        var missing = new List<string>();
        foreach (var text in options.Sending.Addresses)
        {
            if (!IPAddress.TryParse(text.Trim(), out var address))
                continue; // refused by the configuration check already
            var outcome = await spf.CheckHostAsync(address, include, "postmaster@" + include, ct);
            if (outcome.Result == SpfResult.TempError)
                return [new DoctorFinding("spf include", DoctorSeverity.Warning, $"The SPF record at {include} could not be evaluated ({outcome.Reason}).", "Check the resolvers, then run the doctor again.")];
            if (outcome.Result != SpfResult.Pass)
                missing.Add(text.Trim());
        }
        return missing.Count == 0
            ? [new DoctorFinding("spf include", DoctorSeverity.Ok, $"The SPF record at {include} lists every sending address.")]
            : [new DoctorFinding("spf include", DoctorSeverity.Problem, $"The SPF record at {include} does not list {string.Join(", ", missing)}; customers' SPF checks fail for mail from there.",
                $"Add {string.Join(" ", missing.Select(m => (m.Contains(':', StringComparison.Ordinal) ? "ip6:" : "ip4:") + m))} to the TXT record at {include}.")];
    }

    IReadOnlyList<DoctorFinding> DataDirectory()
    {
        var directory = options.DataDirectory;
        if (!Directory.Exists(directory))
            return [new DoctorFinding("data directory", DoctorSeverity.Warning, $"The data directory {directory} does not exist yet; outpost serve makes it.", "Create it owned by the service's user, mode 0700.")];
        var findings = new List<DoctorFinding>();
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(directory);
            var owner = Owner(directory);
            var others = mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
            var shown = $"{Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0')}";
            findings.Add(others != 0
                ? new DoctorFinding("data directory", DoctorSeverity.Warning, $"The data directory {directory} (owner {owner}, mode {shown}) can be read by every user; it holds messages and keys.",
                    $"chmod 700 {directory}")
                : new DoctorFinding("data directory", DoctorSeverity.Ok, $"The data directory {directory} is owned by {owner}, mode {shown}."));
            var current = Environment.UserName;
            if (owner != "unknown" && owner != current)
                findings.Add(new DoctorFinding("data directory", DoctorSeverity.Warning, $"The data directory belongs to {owner}, but the doctor runs as {current}; files this user makes may be unreadable to the service.",
                    $"Run outpost as {owner} (sudo -u {owner} outpost …), or chown -R {owner} {directory}."));
        }
        var free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        var freeText = $"{free / (1024.0 * 1024 * 1024):0.0} GB";
        findings.Add(free < NoSpace
            ? new DoctorFinding("free space", DoctorSeverity.Problem, $"Only {freeText} is free under {directory}; the spool and the database will fail soon.", "Free space, or move the data directory to a larger disk.")
            : free < LowSpace
                ? new DoctorFinding("free space", DoctorSeverity.Warning, $"{freeText} is free under {directory}; a few large messages fill it.", "Free space, or move the data directory to a larger disk.")
                : new DoctorFinding("free space", DoctorSeverity.Ok, $"{freeText} is free under {directory}."));
        return findings;
    }

    /// <summary>The directory's owner by name (.NET has no API for it; stat is in coreutils on every Linux).</summary>
    static string Owner(string path)
    {
        try
        {
            using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (stat is null)
                return "unknown";
            var name = stat.StandardOutput.ReadToEnd().Trim();
            return stat.WaitForExit(5000) && stat.ExitCode == 0 && name.Length > 0 ? name : "unknown";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    async Task<IReadOnlyList<DoctorFinding>> DatabaseAsync(CancellationToken ct)
    {
        if (database is null)
            return [new DoctorFinding("database", DoctorSeverity.Ok, $"The {options.Storage.Provider} database is not checked by the doctor yet.")];
        DatabaseCheckResult result;
        try
        {
            result = await database.CheckAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [new DoctorFinding("database", DoctorSeverity.Problem, $"The database cannot be opened: {e.Message.TrimEnd('.')}.", "Check the data directory's permissions and that the file is a database Outpost made.")];
        }
        var findings = new List<DoctorFinding>
        {
            result.Integrity == "ok"
                ? new DoctorFinding("database integrity", DoctorSeverity.Ok, "The database passes its integrity check (quick_check).")
                : new DoctorFinding("database integrity", DoctorSeverity.Problem, $"The database fails its integrity check: {result.Integrity}.",
                    "Stop outpost, restore the last backup, or recover with sqlite3 outpost.db \".recover\"."),
        };
        findings.Add(result.SchemaVersion == result.KnownSchemaVersion
            ? new DoctorFinding("database schema", DoctorSeverity.Ok, $"The database schema is version {result.SchemaVersion}, the one this build knows.")
            : result.SchemaVersion < result.KnownSchemaVersion
                ? new DoctorFinding("database schema", DoctorSeverity.Warning, $"The database schema is version {result.SchemaVersion}; this build brings {result.KnownSchemaVersion}.", "outpost serve migrates it at the next start; back it up first.")
                : new DoctorFinding("database schema", DoctorSeverity.Problem, $"The database schema is version {result.SchemaVersion}, newer than this build's {result.KnownSchemaVersion}.", "Run the Outpost version that made it, or restore a backup made by this one."));
        return findings;
    }
}
