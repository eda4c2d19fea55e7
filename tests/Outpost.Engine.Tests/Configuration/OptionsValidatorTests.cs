using Outpost.Engine.Configuration;

namespace Outpost.Engine.Tests.Configuration;

public sealed class OptionsValidatorTests
{
    static OutpostOptions Good() => new()
    {
        Hostname = "mail.example.net",
        Sending = new SendingOptions { SpfInclude = "_spf.example.net", Addresses = ["192.0.2.25", "2001:db8::25"] },
    };

    static IReadOnlyList<string> Lines(OutpostOptions o) => OptionsValidator.Check(o).Select(p => p.Line).ToList();

    [Fact]
    public void The_defaults_with_real_names_have_no_problem() => Assert.Empty(Lines(Good()));

    [Fact]
    public void The_shipped_defaults_are_only_placeholders()
    {
        var problems = OptionsValidator.Check(new OutpostOptions());
        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.True(p.Placeholder, p.Line));
        Assert.Contains(problems, p => p.Key == "Hostname");
        Assert.Contains(problems, p => p.Key == "Sending:SpfInclude");
    }

    [Fact]
    public void Proxy_protocol_sources_must_be_networks_and_the_header_wait_bounded()
    {
        var o = Good();
        o.Smtp.ProxyProtocol.TrustedProxies.AddRange(["10.0.0.5/32", "haproxy.internal"]);
        o.Smtp.ProxyProtocol.HeaderTimeout = TimeSpan.FromMinutes(5);
        var lines = Lines(o);
        Assert.Contains("Smtp:ProxyProtocol:TrustedProxies:1 is 'haproxy.internal'; it must be the load balancer's network like 10.0.0.5/32 or 2001:db8::5/128.", lines);
        Assert.Contains(lines, l => l.StartsWith("Smtp:ProxyProtocol:HeaderTimeout is 00:05:00;", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count);
    }

    [Theory]
    [InlineData("lmtp", "", "Delivery:Local:Lmtp is ''")]
    [InlineData("lmtp", "mailstore:24", "Delivery:Local:Lmtp is 'mailstore:24'")]
    [InlineData("lmtp", "run/dovecot/lmtp", "Delivery:Local:Lmtp is 'run/dovecot/lmtp'")]
    [InlineData("imap", "", "Delivery:Local:Mode is 'imap'; it must be maildir or lmtp.")]
    public void Local_delivery_mode_and_lmtp_server_are_checked(string mode, string lmtp, string expected)
    {
        var o = Good();
        o.Delivery.Local.Mode = mode;
        o.Delivery.Local.Lmtp = lmtp;
        Assert.StartsWith(expected, Assert.Single(Lines(o)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.20:24")]
    [InlineData("[2001:db8::20]:24")]
    [InlineData("/run/dovecot/lmtp")]
    public void An_lmtp_address_or_socket_is_taken(string lmtp)
    {
        var o = Good();
        o.Delivery.Local.Mode = "lmtp";
        o.Delivery.Local.Lmtp = lmtp;
        Assert.Empty(Lines(o));
    }

    [Fact]
    public void No_outbound_connections_is_refused_naming_key_value_and_range()
    {
        var o = Good();
        o.Delivery.MaxConnections = 0;
        Assert.Contains("Delivery:MaxConnections is 0; it must be between 1 and 10000.", Lines(o));
    }

    [Theory]
    [InlineData("192.0.2.300")]
    [InlineData("192.0.2.0/24")]
    [InlineData("mail.example.net")]
    public void A_bad_sending_address_is_an_error_never_skipped(string address)
    {
        var o = Good();
        o.Sending.Addresses.Add(address);
        var line = Assert.Single(Lines(o));
        Assert.StartsWith($"Sending:Addresses:2 is '{address}'; it must be an IPv4 or IPv6 address", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_networks_ports_host_names_and_periods_are_checked()
    {
        var o = Good();
        o.Smtp.Submission = "0.0.0.0:99999";
        o.Smtp.Relay = "nonsense";
        o.TrustedNetworks.Add(new TrustedNetworkOptions { Cidr = "10.0.0.0/33", Domain = "example.com" });
        o.Dns.Servers.Add("resolver");
        o.Dns.ValidatingResolvers.Add("unbound.local");
        o.Http.KnownProxies.Add("10.0.0.0/8");
        o.Http.KnownNetworks.Add("office");
        o.Delivery.HeloName = "bad name";
        o.Delivery.RetryJitter = 2;
        o.Smtp.CommandTimeout = TimeSpan.Zero;
        var keys = OptionsValidator.Check(o).Select(p => p.Key).ToList();
        Assert.Equal(["Smtp:Submission", "Smtp:Relay", "Smtp:CommandTimeout", "TrustedNetworks:0:Cidr", "Dns:Servers:0", "Dns:ValidatingResolvers:0", "Delivery:RetryJitter", "Delivery:HeloName", "Http:KnownProxies:0", "Http:KnownNetworks:0"], keys);
    }

    [Fact]
    public void Two_listeners_on_one_port_are_refused()
    {
        var o = Good();
        o.Smtp.Relay = o.Smtp.Submission;
        Assert.Contains($"Smtp:Relay is {o.Smtp.Submission}, the same as Smtp:Submission; each listener needs its own address and port.", Lines(o));
    }

    [Fact]
    public void A_self_signed_certificate_is_a_placeholder_only_on_a_public_listener()
    {
        var o = Good();
        Assert.DoesNotContain(OptionsValidator.Check(o), p => p.Key == "Tls:CertificatePath");
        o.Smtp.Submission = "0.0.0.0:587";
        var problem = Assert.Single(OptionsValidator.Check(o));
        Assert.True(problem.Placeholder);
        Assert.Equal("Tls:CertificatePath", problem.Key);
    }

    [Fact]
    public void Placeholders_fail_validation_only_in_production()
    {
        var o = new OutpostOptions { Hostname = "localhost", Sending = new SendingOptions { SpfInclude = "_spf.example.net" } };
        Assert.True(new OptionsValidator().Validate(null, o).Succeeded);
        o.Environment = "Production";
        var result = new OptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        Assert.Contains("Hostname is 'localhost', a placeholder", result.FailureMessage, StringComparison.Ordinal);
        o.Environment = "Prod";
        Assert.Contains("Environment is 'Prod'; it must be Development or Production.", Lines(o));
    }

    [Fact]
    public void A_metrics_token_that_is_too_short_is_refused_without_showing_it()
    {
        var o = Good();
        o.Metrics.Token = "hunter2";
        var line = Assert.Single(Lines(o));
        Assert.Equal("Metrics:Token has 7 characters; it must have between 16 and 256 (e.g. openssl rand -hex 32).", line);
        Assert.DoesNotContain("hunter2", line, StringComparison.Ordinal);
        o.Metrics.Token = "a token with spaces in it";
        Assert.StartsWith("Metrics:Token has a space", Assert.Single(Lines(o)), StringComparison.Ordinal);
        o.Metrics.Token = "0123456789abcdef0123";
        Assert.Empty(Lines(o));
    }

    [Theory]
    [InlineData("pool.ntp.org", null)]
    [InlineData("192.0.2.123:123", null)]
    [InlineData("[2001:db8::123]:10123", null)]
    [InlineData("time server", "Doctor:TimeServers:0 is 'time server'; it must be a host name or address")]
    [InlineData("pool.ntp.org:0", "Doctor:TimeServers:0 is 'pool.ntp.org:0'")]
    public void Time_servers_are_host_names_or_addresses_with_an_optional_port(string server, string? problem)
    {
        var o = Good();
        o.Doctor.TimeServers.Add(server);
        if (problem is null)
            Assert.Empty(Lines(o));
        else
            Assert.StartsWith(problem, Assert.Single(Lines(o)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_clock_thresholds_must_be_in_order()
    {
        var o = Good();
        o.Doctor.ClockWarning = TimeSpan.FromSeconds(60);
        Assert.StartsWith("Doctor:ClockProblem is 00:00:30; it must be at least Doctor:ClockWarning (00:01:00)", Assert.Single(Lines(o)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4317", "grpc")]
    [InlineData("https://collector.example.net:4318/", "http/protobuf")]
    [InlineData("", "grpc")]
    public void A_collector_address_and_protocol_are_taken(string endpoint, string protocol)
    {
        var o = Good();
        o.Telemetry.OtlpEndpoint = endpoint;
        o.Telemetry.OtlpProtocol = protocol;
        Assert.Empty(Lines(o));
    }

    [Fact]
    public void A_bad_collector_address_is_refused_with_its_key()
    {
        var o = Good();
        o.Telemetry.OtlpEndpoint = "127.0.0.1:4317";
        var problem = Assert.Single(OptionsValidator.Check(o));
        Assert.Equal("Telemetry:OtlpEndpoint", problem.Key);
        Assert.Equal("Telemetry:OtlpEndpoint is '127.0.0.1:4317'; it must be an http:// or https:// address like http://127.0.0.1:4317, or empty to turn OTLP off.", problem.Line);
    }

    [Fact]
    public void Credentials_in_the_collector_address_are_refused_without_being_shown()
    {
        var o = Good();
        o.Telemetry.OtlpEndpoint = "https://user:hunter2-secret@collector.example.net:4318";
        var problem = Assert.Single(OptionsValidator.Check(o));
        Assert.DoesNotContain("hunter2", problem.Line);
        Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS", problem.Line);
    }

    [Fact]
    public void An_unknown_protocol_and_a_zero_interval_are_refused()
    {
        var o = Good();
        o.Telemetry.OtlpProtocol = "http/json";
        o.Telemetry.OtlpMetricsInterval = TimeSpan.Zero;
        var lines = Lines(o);
        Assert.Contains("Telemetry:OtlpProtocol is 'http/json'; it must be grpc or http/protobuf.", lines);
        Assert.Contains(lines, l => l.StartsWith("Telemetry:OtlpMetricsInterval is 00:00:00;", StringComparison.Ordinal));
    }
}
