using MimeKit;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;

namespace Outpost.Engine.Tests.Policy;

/// <summary>What the content model reads: shapes normalised, Chinese spaced into characters, codes found next to their wording.</summary>
public sealed class FeatureBuilderTests
{
    static readonly FeatureBuilder Builder = FeatureBuilder.Create(null);

    static MessageFeatures Build(string subject, string text, Dictionary<string, string>? headers = null) =>
        Builder.Build(new MessageContent(subject, text, headers ?? [], 0, 0, 0, text.Length));

    static string? Evidence(MessageFeatures f, StructureFeature feature) => f.Evidence[(int)feature];

    [Fact]
    public void The_structure_vector_has_one_slot_per_feature() =>
        Assert.Equal(ModelInput.StructureLength, Enum.GetValues<StructureFeature>().Length);

    [Fact]
    public void A_chinese_code_is_found_next_to_its_wording_and_the_characters_stand_apart()
    {
        var f = Build("验证码", "您的验证码是482913，5分钟内有效，请勿泄露。");
        Assert.Contains("dig6tok", f.Words);
        Assert.Contains("验 证 码", f.Words);
        Assert.Contains("验证码是 dig6tok", f.Chars);
        Assert.Equal("a 6-digit code (482913) next to '验证码'", Evidence(f, StructureFeature.CodeNearCodeWord));
        Assert.True(f.Structure[(int)StructureFeature.CodeNearCodeWord] > 0.9f);
    }

    [Fact]
    public void A_grouped_german_code_counts_as_one_code()
    {
        var f = Build("Ihr Code", "Ihr Bestätigungscode lautet 482 193. Er ist 10 Minuten gültig.");
        Assert.Contains("codegrouptok", f.Words);
        Assert.StartsWith("a 6-digit code (482 193) next to 'bestätigung", Evidence(f, StructureFeature.CodeNearCodeWord));
    }

    [Fact]
    public void Prices_percentages_links_dates_and_years_become_their_shapes()
    {
        var f = Build("Angebot", "Nur 19,99 € statt 29 EUR – 30 % Rabatt bis 31.12.2026 auf https://shop.example/sale, seit 1998.");
        foreach (var shape in new[] { "moneytok", "pcttok", "urltok", "datetok", "yeartok" })
            Assert.Contains(shape, f.Words);
        Assert.Equal("2 prices", Evidence(f, StructureFeature.MoneyAmounts));
        Assert.Null(Evidence(f, StructureFeature.CodeNearCodeWord));
    }

    [Fact]
    public void An_order_number_far_from_code_wording_is_a_code_shape_but_not_near_code_wording()
    {
        var f = Build("Your order", "Thank you for order 88231764. " + new string('x', 0) + string.Concat(Enumerable.Repeat("The parcel leaves the warehouse today. ", 4)) + "Questions? Reply to this mail.");
        Assert.Contains("dig8tok", f.Words);
        Assert.Equal(0, f.Structure[(int)StructureFeature.CodeNearCodeWord]);
    }

    [Fact]
    public void List_headers_and_a_tracking_pixel_are_structure()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("news@shop.example"));
        message.Headers.Add("List-Unsubscribe", "<https://shop.example/u>");
        message.Body = new TextPart("html") { Text = "<p>Sale! <a href=\"https://shop.example/a\">Shop</a> <a href=\"https://other.example/b\">More</a></p><img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\">" };
        var f = Builder.Build(ContentExtractor.Extract(message, 300));
        Assert.Equal(1, f.Structure[(int)StructureFeature.ListUnsubscribe]);
        Assert.Equal(1, f.Structure[(int)StructureFeature.TrackingPixel]);
        Assert.Equal(1, f.Structure[(int)StructureFeature.HtmlOnly]);
        Assert.Equal("links to 2 sites", Evidence(f, StructureFeature.LinkDomains));
    }

    [Fact]
    public void A_reply_to_at_another_site_is_structure_and_the_subject_words_are_marked()
    {
        var elsewhere = Build("Neue Bankverbindung", "Bitte überweisen Sie auf unser neues Konto.", new Dictionary<string, string>
        {
            ["From"] = "Buchhaltung <buchhaltung@heiland-stahlbau.example>",
            ["Reply-To"] = "heiland.buchhaltung@mail-invoice.example",
        });
        Assert.Equal("replies go to mail-invoice.example, not to the sender's heiland-stahlbau.example", Evidence(elsewhere, StructureFeature.ReplyToElsewhere));
        Assert.Contains("sbjneue sbjbankverbindung", elsewhere.Words);

        var same = Build("验证码", "text", new Dictionary<string, string> { ["From"] = "a@shop.example", ["Reply-To"] = "support@help.shop.example" });
        Assert.Equal(0, same.Structure[(int)StructureFeature.ReplyToElsewhere]);
        Assert.EndsWith("sbj验 sbj证 sbj码", same.Words);
    }
}
