using Outpost.Engine.Configuration;
using Outpost.Engine.Domains;

namespace Outpost.Engine.Tests.Domains;

public sealed class RecordAdviceTests
{
    static readonly SendingOptions Options = new() { SpfInclude = "_spf.outpost.test" };

    [Theory]
    [InlineData(null, "v=spf1 include:_spf.outpost.test ~all")]
    [InlineData("v=spf1 mx -all", "v=spf1 mx include:_spf.outpost.test -all")]
    [InlineData("v=spf1 include:_spf.google.com ~all", "v=spf1 include:_spf.google.com include:_spf.outpost.test ~all")]
    [InlineData("v=spf1 ip4:192.0.2.1 redirect=_spf.other.test", "v=spf1 ip4:192.0.2.1 include:_spf.outpost.test redirect=_spf.other.test")]
    [InlineData("v=spf1 include:_spf.outpost.test -all", "v=spf1 include:_spf.outpost.test -all")]
    [InlineData("v=spf1 a", "v=spf1 a include:_spf.outpost.test ~all")]
    public void The_service_is_merged_into_an_existing_spf_record(string? existing, string advised) =>
        Assert.Equal(advised, SpfAdvice.Record(Options, existing));

    [Fact]
    public void Two_spf_records_merge_into_one()
    {
        Assert.Equal("v=spf1 mx ip4:192.0.2.1 include:_spf.outpost.test -all",
            SpfAdvice.Merge(Options, ["v=spf1 mx -all", "v=spf1 ip4:192.0.2.1 mx ~all"]));
    }

    [Fact]
    public void Without_an_include_domain_the_sending_addresses_are_advised()
    {
        var options = new SendingOptions { SpfInclude = "", Addresses = ["192.0.2.25", "2001:db8::25"] };
        Assert.Equal("v=spf1 ip4:192.0.2.25 ip6:2001:db8::25 ~all", SpfAdvice.Record(options, null));
    }

    [Theory]
    [InlineData("v=DMARC1; p=none", null)]
    [InlineData("v=DMARC1; p=reject; rua=mailto:d@example.com; pct=50", null)]
    [InlineData("v=DMARC1", "no policy")]
    [InlineData("p=none; v=DMARC1", "must start with v=DMARC1")]
    [InlineData("v=DMARC1; p=maybe", "p=maybe")]
    [InlineData("v=DMARC1; p=none; pct=200", "pct=200")]
    [InlineData("v=DMARC1; p=none; rua=https://x", "mailto:")]
    [InlineData("v=DMARC1; p=none; p=reject", "appears twice")]
    public void Dmarc_records_are_checked(string record, string? problem)
    {
        var found = DmarcRecord.Problem(record);
        if (problem is null)
            Assert.Null(found);
        else
            Assert.Contains(problem, found);
    }

    [Fact]
    public void Long_values_split_into_strings_of_255_bytes()
    {
        var value = "v=DKIM1; k=rsa; p=" + new string('A', 392);
        var parts = TxtStrings.Split(value);
        Assert.Equal([255, 155], parts.Select(p => p.Length));
        Assert.Equal(value, string.Concat(parts));
        Assert.StartsWith("( \"v=DKIM1", TxtStrings.ForZoneFile(value));
    }
}
