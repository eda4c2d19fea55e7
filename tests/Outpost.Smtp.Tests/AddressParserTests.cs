namespace Outpost.Smtp.Tests;

public sealed class AddressParserTests
{
    [Theory]
    [InlineData("FROM:<alice@example.com>", "alice", "example.com")]
    [InlineData("FROM: <Alice.B+tag@Example.COM>", "Alice.B+tag", "example.com")]
    [InlineData("from:<o'brien@sub.example.co.uk>", "o'brien", "sub.example.co.uk")]
    [InlineData("FROM:<jörg@bücher.de> SMTPUTF8", "jörg", "xn--bcher-kva.de")]
    public void Plain_addresses_parse_with_the_domain_normalised(string argument, string local, string domain)
    {
        var result = AddressParser.ParseCommandArgument(argument, "FROM", allowNull: false);
        Assert.True(result.Ok, result.Error.ToString());
        Assert.Equal(local, result.Path!.Address.LocalPart);
        Assert.Equal(domain, result.Path.Address.Domain);
    }

    [Theory]
    [InlineData("<user%evil.test@example.com>", "Percent and bang")]
    [InlineData("<evil!user@example.com>", "Percent and bang")]
    [InlineData("<@a.test:user@b.test>", "Source routes")]
    [InlineData("<@a.test,@c.test:user@b.test>", "Source routes")]
    [InlineData("<\"x@evil.test\"@example.com>", "Quoted local parts")]
    [InlineData("<user@evil.test@example.com>", "exactly one @")]
    [InlineData("<user@[127.0.0.1]>", "Address literals")]
    [InlineData("<user@localhost>", "Bad domain")]
    [InlineData("<user@-bad.test>", "Bad domain")]
    [InlineData("<.user@example.com>", "Bad address syntax")]
    [InlineData("<us..er@example.com>", "Bad address syntax")]
    [InlineData("<user@exa mple.com>", "Bad domain")]
    [InlineData("user@example.com", "Bad address syntax")]
    [InlineData("<user@example.com", "Bad address syntax")]
    [InlineData("<>", "Bad address syntax")]
    public void Tricks_and_malformed_paths_are_refused(string path, string reason)
    {
        var result = AddressParser.ParseCommandArgument("TO:" + path, "TO", allowNull: false);
        Assert.False(result.Ok);
        Assert.Equal(501, result.Error.Code);
        Assert.Contains(reason, result.Error.Text);
    }

    [Fact]
    public void Lengths_follow_rfc_5321()
    {
        var local64 = new string('a', 64);
        Assert.True(AddressParser.ParseCommandArgument($"TO:<{local64}@example.com>", "TO", false).Ok);
        var local65 = new string('a', 65);
        Assert.Contains("64 octets", AddressParser.ParseCommandArgument($"TO:<{local65}@example.com>", "TO", false).Error.Text);
        var label = new string('b', 64);
        Assert.False(AddressParser.ParseCommandArgument($"TO:<a@{label}.com>", "TO", false).Ok);
        var longPath = "a@" + string.Join('.', Enumerable.Repeat(new string('c', 60), 5)) + ".com";
        Assert.Contains("too long", AddressParser.ParseCommandArgument($"TO:<{longPath}>", "TO", false).Error.Text);
    }

    [Fact]
    public void The_null_sender_is_allowed_only_where_asked()
    {
        Assert.True(AddressParser.ParseCommandArgument("FROM:<>", "FROM", allowNull: true).Path!.Address.IsNull);
        Assert.False(AddressParser.ParseCommandArgument("TO:<>", "TO", allowNull: false).Ok);
    }

    [Fact]
    public void Parameters_are_parsed_and_duplicates_refused()
    {
        var result = AddressParser.ParseCommandArgument("FROM:<a@example.com> SIZE=1000 body=8BITMIME", "FROM", true);
        Assert.Equal("1000", result.Path!.Parameters["SIZE"]);
        Assert.Equal("8BITMIME", result.Path.Parameters["BODY"]);
        Assert.False(AddressParser.ParseCommandArgument("FROM:<a@example.com> SIZE=1 SIZE=2", "FROM", true).Ok);
    }

    /// <summary>
    /// Found by the address fuzz target (tests/fuzz): an IDN under the length limits as text became an A-label
    /// domain of over 255 octets, and an address of over 256, which was taken though it cannot go on a command line.
    /// </summary>
    [Fact]
    public void An_idn_whose_a_labels_pass_the_limits_is_too_long()
    {
        // 24 labels of "üü.": 79 characters as text, 223 octets in A-labels ("xn--tdaa." each); with a local
        // part of 60 the path is 140 characters as text and 284 octets on the wire.
        var domain = string.Concat(Enumerable.Repeat("üü.", 24)) + "example";
        var local = new string('u', 60);
        var result = AddressParser.ParseCommandArgument($"TO:<{local}@{domain}>", "TO", false);
        Assert.False(result.Ok);
        Assert.Equal("501 5.1.3 Address too long", result.Error.ToString());

        var wider = string.Concat(Enumerable.Repeat("üüüüüüüüüü.", 20)) + "example";
        Assert.Null(AddressParser.NormalizeDomain(wider));
        Assert.Equal("xn--tdaa.example", AddressParser.NormalizeDomain("üü.example"));
    }
}
