using Outpost.Engine.Policy;

namespace Outpost.Engine.Tests.Policy;

/// <summary>The word-by-word phrase matcher: what joins the words of a phrase, what stops a match, "%" and Chinese.</summary>
public sealed class PhraseListTests
{
    static readonly PhraseList List = new([
        "# a comment", "", "buy now", "% off", "up to % off", "don't miss out", "limited-time offer", "sign-in code",
        "sie erhalten diese e-mail, weil", "立即购买", "code",
    ]);

    static IReadOnlyList<string> Find(string text) => List.Find(text.ToLowerInvariant());

    [Theory]
    [InlineData("Please BUY NOW while stocks last", "buy now")]
    [InlineData("buy\r\nnow", "buy now")]
    [InlineData("Save 30% off today", "% off")]
    [InlineData("Save 30 % off today", "% off")]
    [InlineData("up to 50% off", "up to % off")]
    [InlineData("Don’t miss out!", "don't miss out")]
    [InlineData("a limited-time offer", "limited-time offer")]
    [InlineData("Ihr Sign-in-Code lautet", "sign-in code")]
    [InlineData("Sie erhalten diese E-Mail, weil Sie sich angemeldet haben", "sie erhalten diese e-mail, weil")]
    [InlineData("现在立即购买吧", "立即购买")]
    public void A_phrase_is_found_with_any_case_spacing_and_joining_marks(string text, string phrase) =>
        Assert.Contains(phrase, Find(text));

    [Theory]
    [InlineData("we buy. Now the next item", "buy now")]
    [InlineData("rebuy nowhere", "buy now")]
    [InlineData("Save 1234% off", "% off")]
    [InlineData("the barcode is printed", "code")]
    [InlineData("Sie erhalten diese E-Mail weil", "sie erhalten diese e-mail, weil")]
    [InlineData("立即 购买", "立即购买")]
    public void A_phrase_is_not_found_across_clauses_inside_words_or_with_another_number(string text, string phrase) =>
        Assert.DoesNotContain(phrase, Find(text));

    [Fact]
    public void Found_phrases_come_in_list_order_once_each()
    {
        Assert.Equal(["buy now", "% off", "code"], Find("Code 10% off, buy now! code, buy now"));
    }

    [Fact]
    public void Positions_are_where_each_occurrence_starts()
    {
        var text = "your code: 1234. another code";
        Assert.Equal([5, 25], List.Positions(text).Order());
    }
}
