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
        o.Http.KnownProxies.Add("10.0.0.0/8");
        o.Http.KnownNetworks.Add("office");
        o.Delivery.HeloName = "bad name";
        o.Delivery.RetryJitter = 2;
        o.Smtp.CommandTimeout = TimeSpan.Zero;
        var keys = OptionsValidator.Check(o).Select(p => p.Key).ToList();
        Assert.Equal(["Smtp:Submission", "Smtp:Relay", "Smtp:CommandTimeout", "TrustedNetworks:0:Cidr", "Dns:Servers:0", "Delivery:RetryJitter", "Delivery:HeloName", "Http:KnownProxies:0", "Http:KnownNetworks:0"], keys);
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
