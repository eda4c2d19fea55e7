using System.Net;
using Outpost.Engine.Domains.Spf;

namespace Outpost.Engine.Tests.Domains;

public sealed class SpfEvaluatorTests
{
    static readonly IPAddress Service = IPAddress.Parse("192.0.2.25");
    readonly FakeDns _dns = new();

    Task<SpfOutcome> Check(string domain, IPAddress? ip = null) => new SpfEvaluator(_dns).CheckHostAsync(ip ?? Service, domain, "postmaster@" + domain);

    [Theory]
    [InlineData("v=spf1 ip4:192.0.2.0/24 -all", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:192.0.2.25 -all", SpfResult.Pass)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 -all", SpfResult.Fail)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 ~all", SpfResult.SoftFail)]
    [InlineData("v=spf1 ip4:198.51.100.0/24 ?all", SpfResult.Neutral)]
    [InlineData("v=spf1 ip4:198.51.100.0/24", SpfResult.Neutral)]
    [InlineData("v=spf1 -ip4:192.0.2.25 +all", SpfResult.Fail)]
    [InlineData("v=spf1 ip6:2001:db8::/32 -all", SpfResult.Fail)]
    [InlineData("v=spf1 ip4:192.0.2.0/33 -all", SpfResult.PermError)]
    [InlineData("v=spf1 bogus:x -all", SpfResult.PermError)]
    public async Task Addresses_and_qualifiers(string record, SpfResult expected)
    {
        _dns.AddTxt("example.com", record);
        Assert.Equal(expected, (await Check("example.com")).Result);
    }

    [Fact]
    public async Task Include_redirect_a_and_mx_are_followed()
    {
        _dns.AddTxt("inc.test", "v=spf1 include:_spf.service.test -all").AddTxt("_spf.service.test", "v=spf1 ip4:192.0.2.0/24 -all");
        Assert.Equal(SpfResult.Pass, (await Check("inc.test")).Result);

        _dns.AddTxt("redir.test", "v=spf1 redirect=_spf.service.test");
        Assert.Equal(SpfResult.Pass, (await Check("redir.test")).Result);

        _dns.AddTxt("a.test", "v=spf1 a:host.a.test/28 -all");
        _dns.A["host.a.test"] = [IPAddress.Parse("192.0.2.17")];
        Assert.Equal(SpfResult.Pass, (await Check("a.test")).Result);

        _dns.AddTxt("mx.test", "v=spf1 mx -all");
        _dns.Mx["mx.test"] = ["mail.mx.test"];
        _dns.A["mail.mx.test"] = [Service];
        Assert.Equal(SpfResult.Pass, (await Check("mx.test")).Result);
    }

    [Fact]
    public async Task Include_of_a_domain_without_spf_is_a_permerror_and_a_failing_include_does_not_match()
    {
        _dns.AddTxt("x.test", "v=spf1 include:nothing.test -all");
        Assert.Equal(SpfResult.PermError, (await Check("x.test")).Result);
        _dns.AddTxt("y.test", "v=spf1 include:deny.test ~all").AddTxt("deny.test", "v=spf1 -all");
        Assert.Equal(SpfResult.SoftFail, (await Check("y.test")).Result);
    }

    [Fact]
    public async Task More_than_ten_lookups_is_a_permerror()
    {
        var includes = string.Join(' ', Enumerable.Range(1, 11).Select(i => $"include:i{i}.test"));
        _dns.AddTxt("deep.test", $"v=spf1 {includes} -all");
        for (var i = 1; i <= 11; i++)
            _dns.AddTxt($"i{i}.test", "v=spf1 ip4:198.51.100.1 -all");
        var outcome = await Check("deep.test");
        Assert.Equal(SpfResult.PermError, outcome.Result);
        Assert.Contains("more than 10 DNS lookups", outcome.Reason);

        // Ten is allowed.
        _dns.AddTxt("ten.test", "v=spf1 " + string.Join(' ', Enumerable.Range(1, 10).Select(i => $"include:i{i}.test")) + " ip4:192.0.2.25 -all");
        Assert.Equal(SpfResult.Pass, (await Check("ten.test")).Result);
    }

    [Fact]
    public async Task Void_lookups_and_self_includes_end_in_permerror()
    {
        _dns.AddTxt("void.test", "v=spf1 a:n1.test a:n2.test a:n3.test -all");
        Assert.Equal(SpfResult.PermError, (await Check("void.test")).Result);
        _dns.AddTxt("loop.test", "v=spf1 include:loop.test -all");
        Assert.Equal(SpfResult.PermError, (await Check("loop.test")).Result);
    }

    [Fact]
    public async Task Two_records_no_record_and_dns_failure()
    {
        _dns.AddTxt("two.test", "v=spf1 -all").AddTxt("two.test", "v=spf1 +all");
        Assert.Equal(SpfResult.PermError, (await Check("two.test")).Result);
        _dns.AddTxt("none.test", "google-site-verification=abc");
        Assert.Equal(SpfResult.None, (await Check("none.test")).Result);
        _dns.Failing.Add("down.test");
        Assert.Equal(SpfResult.TempError, (await Check("down.test")).Result);
    }

    [Fact]
    public async Task Macros_expand()
    {
        _dns.AddTxt("macro.test", "v=spf1 exists:%{ir}.%{l1r-}.allow.macro.test -all");
        _dns.A["25.2.0.192.postmaster.allow.macro.test"] = [IPAddress.Parse("127.0.0.2")];
        Assert.Equal(SpfResult.Pass, (await Check("macro.test")).Result);
        Assert.Equal("com.example", SpfMacro.Expand("%{dr}", Service, "example.com", "a@b.c", "h"));
        Assert.Equal("example.com", SpfMacro.Expand("%{d2}", Service, "mail.example.com", "a@b.c", "h"));
    }

    /// <summary>
    /// Seen with the spf fuzz target's replay (tests/fuzz): a digit transformer past what an int holds threw
    /// OverflowException out of check_host, so a customer's record could make the DNS check fail with an exception.
    /// </summary>
    [Fact]
    public async Task A_digit_transformer_too_large_for_an_int_keeps_every_label()
    {
        Assert.Equal("mail.example.com", SpfMacro.Expand("%{d99999999999}", Service, "mail.example.com", "a@b.c", "h"));
        _dns.AddTxt("huge.test", "v=spf1 exists:%{d99999999999}.allow.huge.test -all");
        _dns.A["huge.test.allow.huge.test"] = [IPAddress.Parse("127.0.0.2")];
        Assert.Equal(SpfResult.Pass, (await Check("huge.test")).Result);
    }
}
