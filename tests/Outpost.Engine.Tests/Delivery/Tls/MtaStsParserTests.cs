using Outpost.Engine.Delivery.Tls.MtaSts;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>The MTA-STS record and policy grammar of RFC 8461 §3.1–3.2, read strictly, with its limits.</summary>
public sealed class MtaStsParserTests
{
    [Theory]
    [InlineData("v=STSv1; id=20160831085700Z;", "20160831085700Z")]
    [InlineData("v=STSv1;id=abc123", "abc123")]
    [InlineData("v=STSv1; id=1; ext=value;", "1")]
    public void Reads_the_id_of_the_one_record(string record, string id) =>
        Assert.Equal(id, MtaStsParser.RecordId([record, "some other TXT record"]).Id);

    [Theory]
    [InlineData("no MTA-STS record", "v=spf1 -all")]
    [InlineData("more than one MTA-STS record", "v=STSv1; id=1;", "v=STSv1; id=2;")]
    [InlineData("the MTA-STS record has no id", "v=STSv1;")]
    [InlineData("the MTA-STS record's id is not 1 to 32 letters and digits", "v=STSv1; id=2016-08-31;")]
    [InlineData("the MTA-STS record's id is not 1 to 32 letters and digits", "v=STSv1; id=123456789012345678901234567890123;")]
    [InlineData("the MTA-STS record does not start with v=STSv1", "v=STSv10; id=1;")]
    [InlineData("the MTA-STS record has a malformed field 'id'", "v=STSv1; id;")]
    public void Refuses_a_record_the_grammar_does_not_allow(string error, params string[] records)
    {
        var (id, problem) = MtaStsParser.RecordId(records);
        Assert.Null(id);
        Assert.Equal(error, problem);
    }

    [Fact]
    public void Reads_a_policy_with_crlf_or_lf_and_ignores_unknown_keys()
    {
        var (policy, error) = MtaStsParser.Policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\nextension: x\r\n", "7");
        Assert.Null(error);
        Assert.Equal(new[] { "mail.example.com", "*.example.net", "backupmx.example.com" }, policy!.Mx);
        Assert.Equal(MtaStsMode.Enforce, policy.Mode);
        Assert.Equal(TimeSpan.FromDays(7), policy.MaxAge);
        Assert.Equal("7", policy.Id);
        Assert.Equal(MtaStsMode.Testing, MtaStsParser.Policy("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400", "1").Policy!.Mode);
        // mode none needs no mx.
        Assert.Equal(MtaStsMode.None, MtaStsParser.Policy("version: STSv1\nmode: none\nmax_age: 86400\n", "1").Policy!.Mode);
    }

    [Fact]
    public void Caps_max_age_at_a_year()
    {
        var (policy, _) = MtaStsParser.Policy("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 9999999999\n", "1");
        Assert.Equal(MtaStsParser.MaxAgeLimit, policy!.MaxAge);
    }

    [Theory]
    [InlineData("mode: enforce\nmx: mx.example.com\nmax_age: 86400\n", "the policy has no version")]
    [InlineData("version: STSv2\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n", "the policy's version is STSv2, not STSv1")]
    [InlineData("version: STSv1\nmode: strict\nmx: mx.example.com\nmax_age: 86400\n", "the policy's mode 'strict' is not enforce, testing or none")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mx.example.com\n", "the policy's max_age is not a number of seconds")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: -5\n", "the policy's max_age is not a number of seconds")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 12345678901\n", "the policy's max_age is not a number of seconds")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 86400\n", "the policy names no mx")]
    [InlineData("version: STSv1\nmode: enforce\nmx: mx.*.example.com\nmax_age: 86400\n", "the policy's mx 'mx.*.example.com' is not a host name or *. and a domain")]
    [InlineData("version: STSv1\nmode: enforce\nmode: testing\nmx: mx.example.com\nmax_age: 86400\n", "the policy gives its mode twice")]
    [InlineData("version: STSv1\n\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n", "line 2 of the policy is empty")]
    [InlineData("version: STSv1\nmode enforce\nmx: mx.example.com\nmax_age: 86400\n", "line 2 of the policy is not 'key: value'")]
    [InlineData("<html>not a policy</html>", "line 1 of the policy is not 'key: value'")]
    public void Refuses_a_policy_the_grammar_does_not_allow(string text, string error)
    {
        var (policy, problem) = MtaStsParser.Policy(text, "1");
        Assert.Null(policy);
        Assert.Equal(error, problem);
    }

    [Fact]
    public void Refuses_more_mx_patterns_than_the_limit()
    {
        var text = "version: STSv1\nmode: enforce\nmax_age: 86400\n" + string.Concat(Enumerable.Range(0, MtaStsParser.MaxMxPatterns + 1).Select(i => $"mx: mx{i}.example.com\n"));
        Assert.Equal($"the policy lists more than {MtaStsParser.MaxMxPatterns} mx patterns", MtaStsParser.Policy(text, "1").Error);
    }

    [Fact]
    public void Enforce_verifies_testing_only_reports_and_none_is_no_policy()
    {
        var enforce = new MtaStsPolicy("5", MtaStsMode.Enforce, ["*.example.com"], TimeSpan.FromDays(1)).ToTlsPolicy("example.com")!;
        Assert.Equal(Outpost.Engine.Delivery.Tls.TlsMode.Verify, enforce.Mode);
        Assert.False(enforce.ReportOnly);
        Assert.Equal("MTA-STS enforce for example.com, policy id 5", enforce.Source);
        var testing = new MtaStsPolicy("5", MtaStsMode.Testing, ["*.example.com"], TimeSpan.FromDays(1)).ToTlsPolicy("example.com")!;
        Assert.True(testing.ReportOnly);
        Assert.False(testing.RequiresTls);
        Assert.True(testing.ChecksCertificate);
        Assert.Null(new MtaStsPolicy("5", MtaStsMode.None, [], TimeSpan.FromDays(1)).ToTlsPolicy("example.com"));
    }
}
