using System.Net;
using Microsoft.Extensions.Options;
using static Outpost.Engine.Configuration.ConfigurationValues;

namespace Outpost.Engine.Configuration;

/// <summary>
/// Checks every options class before anything starts: ranges, addresses, networks, host names, ports, paths
/// and periods, each failure one line naming the key, the value and what is allowed. It also names the
/// development placeholders (host name localhost, the example SPF include, a self-signed certificate on a
/// public listener), which <c>outpost serve</c> refuses in Production and warns about otherwise.
/// Talks to nothing but the file system (a configured certificate or directory must exist). Security stance:
/// an operator's typo must never go live silently (a bad sending address once made every SPF check pass),
/// and a value is shown only when it is no secret (passwords and connection strings never appear).
/// </summary>
public sealed class OptionsValidator : IValidateOptions<OutpostOptions>
{
    public ValidateOptionsResult Validate(string? name, OutpostOptions options)
    {
        var problems = Check(options).Where(p => !p.Placeholder || OutpostEnvironment.IsProduction(options)).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => p.Line));
    }

    /// <summary>Every problem, placeholders included; the caller decides what a placeholder means in its environment.</summary>
    public static IReadOnlyList<ConfigurationProblem> Check(OutpostOptions o)
    {
        var found = new List<ConfigurationProblem>();
        void Add(string key, string line) => found.Add(new ConfigurationProblem(key, line));
        void Range(string key, long value, long low, long high)
        {
            if (value < low || value > high)
                Add(key, $"{key} is {Show(value)}; it must be between {Show(low)} and {Show(high)}.");
        }
        void Period(string key, TimeSpan value, TimeSpan low, TimeSpan high)
        {
            if (value < low || value > high)
                Add(key, $"{key} is {Show(value)}; it must be between {Show(low)} and {Show(high)} (d.hh:mm:ss).");
        }
        void Fraction(string key, double value, double high)
        {
            if (double.IsNaN(value) || value < 0 || value > high)
                Add(key, $"{key} is {Show(value)}; it must be between 0 and {Show(high)}.");
        }
        void Host(string key, string? value, bool optional = false)
        {
            if (optional && string.IsNullOrEmpty(value))
                return;
            if (!IsHostName(value))
                Add(key, $"{key} is '{Shorten(value)}'; it must be a host name like mail.example.net (letters, digits, hyphens and dots).");
        }
        void Listener(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value) && !TryEndpoint(value, out _))
                Add(key, $"{key} is '{Shorten(value)}'; it must be an address and port like 0.0.0.0:587 ([::]:587 for IPv6), or empty to turn it off.");
        }
        void File(string key, string? path)
        {
            if (!string.IsNullOrEmpty(path) && !System.IO.File.Exists(path))
                Add(key, $"{key} is '{Shorten(path)}'; no such file exists (give the full path of a readable file).");
        }

        var second = TimeSpan.FromSeconds(1);
        var day = TimeSpan.FromDays(1);

        if (string.IsNullOrWhiteSpace(o.DataDirectory) || o.DataDirectory.Contains('\0', StringComparison.Ordinal))
            Add("DataDirectory", "DataDirectory is empty; it must be a directory path such as /var/lib/outpost.");
        if (!OutpostEnvironment.IsKnown(o.Environment))
            Add("Environment", $"Environment is '{Shorten(o.Environment)}'; it must be {OutpostEnvironment.Development} or {OutpostEnvironment.Production}.");
        Host("Hostname", o.Hostname);

        var smtp = o.Smtp;
        Listener("Smtp:Submission", smtp.Submission);
        Listener("Smtp:SubmissionTls", smtp.SubmissionTls);
        Listener("Smtp:Relay", smtp.Relay);
        Range("Smtp:MaxMessageSize", smtp.MaxMessageSize, 64 * 1024, 150L * 1024 * 1024);
        Range("Smtp:MaxRecipients", smtp.MaxRecipients, 1, 10_000);
        Range("Smtp:MaxConnections", smtp.MaxConnections, 1, 100_000);
        Period("Smtp:CommandTimeout", smtp.CommandTimeout, second, TimeSpan.FromHours(1));
        Period("Smtp:DataTimeout", smtp.DataTimeout, second, TimeSpan.FromHours(1));
        Period("Smtp:ConnectionLifetime", smtp.ConnectionLifetime, second, day);
        Range("Smtp:MaxConnectionsPerAddress", smtp.MaxConnectionsPerAddress, 1, 100_000);
        Range("Smtp:MaxConnectionsPerTrustedAddress", smtp.MaxConnectionsPerTrustedAddress, 1, 100_000);
        Period("Smtp:GreetingTimeout", smtp.GreetingTimeout, second, TimeSpan.FromHours(1));
        Period("Smtp:CommandLineTimeout", smtp.CommandLineTimeout, second, TimeSpan.FromHours(1));
        Period("Smtp:MessageTimeout", smtp.MessageTimeout, second, day);
        Range("Smtp:MaxErrors", smtp.MaxErrors, 1, 1000);
        Range("Smtp:MaxAuthFailures", smtp.MaxAuthFailures, 1, 1000);
        Range("Smtp:MinFreeSpace", smtp.MinFreeSpace, 0, long.MaxValue);
        for (var i = 0; i < smtp.ProxyProtocol.TrustedProxies.Count; i++)
            if (!IsNetwork(smtp.ProxyProtocol.TrustedProxies[i]))
                Add($"Smtp:ProxyProtocol:TrustedProxies:{i}", $"Smtp:ProxyProtocol:TrustedProxies:{i} is '{Shorten(smtp.ProxyProtocol.TrustedProxies[i])}'; it must be the load balancer's network like 10.0.0.5/32 or 2001:db8::5/128.");
        Period("Smtp:ProxyProtocol:HeaderTimeout", smtp.ProxyProtocol.HeaderTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));

        File("Tls:CertificatePath", o.Tls.CertificatePath);
        File("Tls:KeyPath", o.Tls.KeyPath);
        if (!string.IsNullOrEmpty(o.Tls.KeyPath) && string.IsNullOrEmpty(o.Tls.CertificatePath))
            Add("Tls:KeyPath", "Tls:KeyPath is set but Tls:CertificatePath is empty; give the PEM certificate that goes with the key.");

        for (var i = 0; i < o.TrustedNetworks.Count; i++)
        {
            var network = o.TrustedNetworks[i];
            if (!IsNetwork(network.Cidr))
                Add($"TrustedNetworks:{i}:Cidr", $"TrustedNetworks:{i}:Cidr is '{Shorten(network.Cidr)}'; it must be a network like 10.0.0.0/24 or 2001:db8::/64.");
            Host($"TrustedNetworks:{i}:Domain", network.Domain);
        }

        for (var i = 0; i < o.Dns.Servers.Count; i++)
            if (!IsDnsServer(o.Dns.Servers[i]))
                Add($"Dns:Servers:{i}", $"Dns:Servers:{i} is '{Shorten(o.Dns.Servers[i])}'; it must be an address, or an address and port like 127.0.0.1:5353.");
        for (var i = 0; i < o.Dns.ValidatingResolvers.Count; i++)
            if (!IsDnsServer(o.Dns.ValidatingResolvers[i]))
                Add($"Dns:ValidatingResolvers:{i}", $"Dns:ValidatingResolvers:{i} is '{Shorten(o.Dns.ValidatingResolvers[i])}'; it must be an address, or an address and port like 127.0.0.1:5353.");
        Period("Dns:Timeout", o.Dns.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));

        var delivery = o.Delivery;
        Range("Delivery:MxPort", delivery.MxPort, 1, 65_535);
        for (var i = 0; i < delivery.RetrySchedule.Count; i++)
            Period($"Delivery:RetrySchedule:{i}", delivery.RetrySchedule[i], second, day);
        Fraction("Delivery:RetryJitter", delivery.RetryJitter, 0.5);
        Period("Delivery:MaxAge", delivery.MaxAge, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        Period("Delivery:ConnectTimeout", delivery.ConnectTimeout, second, TimeSpan.FromMinutes(10));
        Period("Delivery:CommandTimeout", delivery.CommandTimeout, second, TimeSpan.FromHours(1));
        // Too short a wait for the reply to the end of the message re-sends mail the receiver already has.
        Period("Delivery:DataTimeout", delivery.DataTimeout, second, TimeSpan.FromHours(1));
        // 0 made a SemaphoreSlim(0): every remote delivery waited for ever.
        Range("Delivery:MaxConnections", delivery.MaxConnections, 1, 10_000);
        Range("Delivery:MaxConnectionsPerDomain", delivery.MaxConnectionsPerDomain, 1, delivery.MaxConnections >= 1 ? delivery.MaxConnections : 10_000);
        Period("Delivery:ConnectionIdleTime", delivery.ConnectionIdleTime, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Range("Delivery:LocalWorkers", delivery.LocalWorkers, 1, 256);
        var local = delivery.Local;
        if (!string.Equals(local.Mode, LocalDeliveryOptions.MaildirMode, StringComparison.OrdinalIgnoreCase) && !local.IsLmtp)
            Add("Delivery:Local:Mode", $"Delivery:Local:Mode is '{Shorten(local.Mode)}'; it must be maildir or lmtp.");
        if (local.IsLmtp && !LmtpEndpoint.TryParse(local.Lmtp, out _))
            Add("Delivery:Local:Lmtp", $"Delivery:Local:Lmtp is '{Shorten(local.Lmtp)}'; with Delivery:Local:Mode lmtp it must be the mailbox server's address and port like 10.0.0.20:24, or a Unix socket's absolute path like /run/dovecot/lmtp.");
        Period("Delivery:PollInterval", delivery.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));
        Host("Delivery:HeloName", delivery.HeloName, optional: true);

        var auth = o.Auth;
        Range("Auth:MaxFailures", auth.MaxFailures, 1, 10_000);
        Range("Auth:MaxNetworkFailures", auth.MaxNetworkFailures, Math.Max(1, auth.MaxFailures), 1_000_000);
        Range("Auth:FreeFailures", auth.FreeFailures, 0, Math.Max(0, auth.MaxFailures));
        Period("Auth:FailureWindow", auth.FailureWindow, second, day);
        Period("Auth:MaxDelay", auth.MaxDelay, TimeSpan.Zero, TimeSpan.FromMinutes(1));

        var sending = o.Sending;
        Host("Sending:SpfInclude", sending.SpfInclude);
        for (var i = 0; i < sending.Addresses.Count; i++)
            if (!IPAddress.TryParse(sending.Addresses[i].Trim(), out _))
                Add($"Sending:Addresses:{i}", $"Sending:Addresses:{i} is '{Shorten(sending.Addresses[i])}'; it must be an IPv4 or IPv6 address like 192.0.2.25 (a CIDR or a name cannot be checked against SPF).");
        if (!sending.DmarcRecord.TrimStart().StartsWith("v=DMARC1", StringComparison.OrdinalIgnoreCase))
            Add("Sending:DmarcRecord", $"Sending:DmarcRecord is '{Shorten(sending.DmarcRecord)}'; it must be a DMARC record starting with v=DMARC1, e.g. v=DMARC1; p=none.");
        Period("Sending:RecheckInterval", sending.RecheckInterval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        Period("Sending:RecheckNotReadyAfter", sending.RecheckNotReadyAfter, TimeSpan.Zero, day);
        Period("Sending:FreshRecordsWindow", sending.FreshRecordsWindow, TimeSpan.Zero, TimeSpan.FromDays(7));

        Period("Dkim:RetireAfter", o.Dkim.RetireAfter, TimeSpan.Zero, TimeSpan.FromDays(365));

        var policy = o.Policy;
        if (!string.IsNullOrEmpty(policy.PhrasesDirectory) && !Directory.Exists(policy.PhrasesDirectory))
            Add("Policy:PhrasesDirectory", $"Policy:PhrasesDirectory is '{Shorten(policy.PhrasesDirectory)}'; no such directory exists.");
        foreach (var (name, threshold) in policy.Thresholds)
        {
            if (name is not ("marketing" or "verification-code" or "prohibited"))
                Add($"Policy:Thresholds:{name}", $"Policy:Thresholds:{name} is not a refusing class; use marketing, verification-code or prohibited.");
            if (threshold.Refuse is { } refuse)
                Fraction($"Policy:Thresholds:{name}:Refuse", refuse, 2);   // above 1: never refuse, hold at most
            if (threshold.Review is { } review)
                Fraction($"Policy:Thresholds:{name}:Review", review, 1);
            if (threshold is { Refuse: { } r, Review: { } v } && v > r)
                Add($"Policy:Thresholds:{name}:Review", $"Policy:Thresholds:{name}:Review is {Show(v)}; it must not be above :Refuse ({Show(r)}).");
        }
        Range("Policy:BulkRecipients", policy.BulkRecipients, 0, int.MaxValue);
        Period("Policy:BulkWindow", policy.BulkWindow, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        Range("Policy:BulkDistance", policy.BulkDistance, 0, 64);
        Range("Policy:BulkMinimumFeatures", policy.BulkMinimumFeatures, 0, 10_000);
        Range("Policy:ViolationsBeforeRestriction", policy.ViolationsBeforeRestriction, 0, 10_000);
        Range("Policy:DomainViolationsBeforeRestriction", policy.DomainViolationsBeforeRestriction, 0, 100_000);
        Period("Policy:ViolationWindow", policy.ViolationWindow, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365));
        foreach (var (key, value) in new[]
        {
            ("MailboxMessagesPerHour", policy.MailboxMessagesPerHour), ("MailboxMessagesPerDay", policy.MailboxMessagesPerDay),
            ("MailboxRecipientsPerHour", policy.MailboxRecipientsPerHour), ("MailboxRecipientsPerDay", policy.MailboxRecipientsPerDay),
            ("DomainMessagesPerHour", policy.DomainMessagesPerHour), ("DomainMessagesPerDay", policy.DomainMessagesPerDay),
            ("DomainRecipientsPerHour", policy.DomainRecipientsPerHour), ("DomainRecipientsPerDay", policy.DomainRecipientsPerDay),
        })
            Range("Policy:" + key, value, 0, 100_000_000);

        var routing = o.Routing;
        foreach (var (map, rules) in new[] { ("DestinationRegions", routing.DestinationRegions), ("SenderRegions", routing.SenderRegions) })
            foreach (var (domain, region) in rules)
            {
                Host($"Routing:{map}:{domain}", domain);
                if (string.IsNullOrWhiteSpace(region))
                    Add($"Routing:{map}:{domain}", $"Routing:{map}:{domain} is empty; it must name a region, e.g. eu.");
            }
        Range("Routing:FailuresBeforeCoolDown", routing.FailuresBeforeCoolDown, 1, 1000);
        Period("Routing:CoolDown", routing.CoolDown, second, day);
        Range("Routing:RecentTries", routing.RecentTries, 1, 1000);

        var http = o.Http;
        Listener("Http:Listen", http.Listen);
        for (var i = 0; i < http.KnownProxies.Count; i++)
            if (!IPAddress.TryParse(http.KnownProxies[i].Trim(), out _))
                Add($"Http:KnownProxies:{i}", $"Http:KnownProxies:{i} is '{Shorten(http.KnownProxies[i])}'; it must be the proxy's address, like 10.0.0.2 (a network goes in Http:KnownNetworks).");
        for (var i = 0; i < http.KnownNetworks.Count; i++)
            if (!IsNetwork(http.KnownNetworks[i]))
                Add($"Http:KnownNetworks:{i}", $"Http:KnownNetworks:{i} is '{Shorten(http.KnownNetworks[i])}'; it must be a network like 10.0.0.0/24.");

        Range("Suppression:HardBounceDays", o.Suppression.HardBounceDays, 0, 36_500);

        var telemetry = o.Telemetry;
        if (telemetry.OtlpProtocol is not (TelemetryOptions.Grpc or TelemetryOptions.HttpProtobuf))
            Add("Telemetry:OtlpProtocol", $"Telemetry:OtlpProtocol is '{Shorten(telemetry.OtlpProtocol)}'; it must be grpc or http/protobuf.");
        Period("Telemetry:OtlpMetricsInterval", telemetry.OtlpMetricsInterval, second, TimeSpan.FromHours(1));
        if (telemetry.OtlpEndpoint.Length > 0)
        {
            // A URL with credentials in it is named without them: they must not reach a log.
            if (!Uri.TryCreate(telemetry.OtlpEndpoint.Trim(), UriKind.Absolute, out var otlp) || otlp.Scheme is not ("http" or "https") || otlp.Host.Length == 0)
                Add("Telemetry:OtlpEndpoint", $"Telemetry:OtlpEndpoint is '{Shorten(telemetry.OtlpEndpoint.Split('@')[^1])}'; it must be an http:// or https:// address like http://127.0.0.1:4317, or empty to turn OTLP off.");
            else if (otlp.UserInfo.Length > 0)
                Add("Telemetry:OtlpEndpoint", "Telemetry:OtlpEndpoint has a user name or password in it; put credentials in OTEL_EXPORTER_OTLP_HEADERS instead.");
            else if (otlp.Query.Length > 0 || otlp.Fragment.Length > 0)
                Add("Telemetry:OtlpEndpoint", $"Telemetry:OtlpEndpoint is '{Shorten(otlp.GetLeftPart(UriPartial.Path))}' with a query or fragment; it must be the collector's base address only.");
        }

        // The sections that had their own checks keep their sentences (tests and operators know them).
        foreach (var (section, problem) in new[]
        {
            ("Api", o.Api.Problem()), ("Retention", o.Retention.Problem()), ("Storage", o.Storage.Problem()),
            ("Complaints", o.Complaints.Problem()), ("Webhooks", o.Webhooks.Problem()), ("Tls", o.Tls.Problem()),
            ("Doctor", o.Doctor.Problem()), ("Metrics", o.Metrics.Problem()),
        })
            if (problem is not null)
                Add(section, problem);

        Listeners(o, found);
        Placeholders(o, found);
        return found;
    }

    /// <summary>Two listeners on one address and port: the second would fail to bind after the first had started.</summary>
    static void Listeners(OutpostOptions o, List<ConfigurationProblem> found)
    {
        var seen = new Dictionary<IPEndPoint, string>();
        foreach (var (key, value) in AllListeners(o))
        {
            if (!TryEndpoint(value, out var endpoint))
                continue;
            if (seen.TryGetValue(endpoint, out var first))
                found.Add(new ConfigurationProblem(key, $"{key} is {value}, the same as {first}; each listener needs its own address and port."));
            else
                seen[endpoint] = key;
        }
    }

    /// <summary>Every listener of the configuration by its key; empty ones are off.</summary>
    public static IEnumerable<(string Key, string Value)> AllListeners(OutpostOptions o) => new[]
    {
        ("Smtp:Submission", o.Smtp.Submission), ("Smtp:SubmissionTls", o.Smtp.SubmissionTls), ("Smtp:Relay", o.Smtp.Relay),
        ("Complaints:Listen", o.Complaints.Listen), ("Http:Listen", o.Http.Listen),
    }.Where(l => !string.IsNullOrWhiteSpace(l.Item2));

    /// <summary>The shipped example SPF include: a domain nobody may publish, so every customer's record would be wrong.</summary>
    public const string ExampleSpfInclude = "_spf.outpost.example";

    static void Placeholders(OutpostOptions o, List<ConfigurationProblem> found)
    {
        if (string.Equals(o.Hostname, "localhost", StringComparison.OrdinalIgnoreCase) || o.Hostname.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            found.Add(new ConfigurationProblem("Hostname", $"Hostname is '{o.Hostname}', a placeholder; set it to this server's public name, e.g. mail.example.net (receivers check it against reverse DNS).", true));
        if (string.Equals(o.Sending.SpfInclude, ExampleSpfInclude, StringComparison.OrdinalIgnoreCase))
            found.Add(new ConfigurationProblem("Sending:SpfInclude", $"Sending:SpfInclude is '{o.Sending.SpfInclude}', the example; set it to the SPF domain you publish for the service, e.g. _spf.mail.example.net.", true));
        if (o.Tls.MtaStsAllowPrivate)
            found.Add(new ConfigurationProblem("Tls:MtaStsAllowPrivate", "Tls:MtaStsAllowPrivate is true, so a domain's MTA-STS policy host may point Outpost at a private or loopback address; it is for tests on one machine only.", true));
        if (string.IsNullOrEmpty(o.Tls.CertificatePath))
        {
            // Mail clients refuse a self-signed certificate, so on a listener others reach it is a placeholder too.
            var tlsListeners = new[] { ("Smtp:Submission", o.Smtp.Submission), ("Smtp:SubmissionTls", o.Smtp.SubmissionTls) }.ToList();
            if (o.Http.Tls)
                tlsListeners.Add(("Http:Listen", o.Http.Listen));
            foreach (var (key, value) in tlsListeners)
                if (TryEndpoint(value, out var endpoint) && !IsLoopback(endpoint))
                {
                    found.Add(new ConfigurationProblem("Tls:CertificatePath", $"Tls:CertificatePath is empty, so {key} ({value}) would offer a self-signed certificate to the network; set Tls:CertificatePath (and Tls:KeyPath) to a certificate for {o.Hostname}.", true));
                    break;
                }
        }
    }

    static string Shorten(string? s) => s is null ? "" : s.Length <= 80 ? s : s[..80] + "…";
}
