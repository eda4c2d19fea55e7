using System.Text.Json;
using Outpost.Engine.Submission;
using Outpost.Web;

namespace Outpost.Engine.Tests.Submission;

/// <summary>
/// Inputs of the api-json and api-raw fuzz targets (tests/fuzz) that the API answered with an exception or
/// took wrongly: JSON that leaves fields null reached the message builder and threw NullReferenceException
/// (a 500) or ArgumentNullException (a 400 reading "Value cannot be null. (Parameter 's')"); an address
/// with a '>' closed the envelope path early and passed the rest on as ESMTP parameters.
/// </summary>
public sealed class ApiRequestFuzzRegressionTests
{
    static SendRequest Read(string json) => JsonSerializer.Deserialize<SendRequest>(json, JsonSerializerOptions.Web)!;

    [Theory]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org",null]}""", "A recipient in to, cc or bcc is null; give each as an address.")]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org"],"bcc":[null]}""", "A recipient in to, cc or bcc is null; give each as an address.")]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org"],"headers":{"X-A":null}}""", "A header in headers has no value; give each as a string.")]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org"],"attachments":[{"name":null,"content":"aGk="}]}""", "Each attachment needs a name and its content in base64.")]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org"],"attachments":[{"name":"a.txt"}]}""", "Each attachment needs a name and its content in base64.")]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org"],"attachments":[null]}""", "Each attachment needs a name and its content in base64.")]
    [InlineData("""{"from":"alice@example.com","to":["bob@example.org"],"attachments":[{"name":"a.txt","content":"not base64!"}]}""", "The content of the attachment a.txt is not valid base64.")]
    [InlineData("""{"to":["bob@example.org"],"text":"hi"}""", "Name the sender in from.")]
    public void A_request_with_a_gap_is_refused_with_a_sentence(string json, string sentence)
    {
        Assert.Null(SendRequestMessage.Build(Read(json), out var refusal));
        Assert.Equal(sentence, refusal);
    }

    [Fact]
    public void A_whole_request_still_builds_its_message()
    {
        var message = SendRequestMessage.Build(Read("""
            {"from":"alice@example.com","to":["bob@example.org"],"subject":"Hello","text":"hi",
             "attachments":[{"name":"a.txt","contentType":"text/plain","content":"aGVsbG8="}],"headers":{"X-Campaign":"42"}}
            """), out var refusal);
        Assert.NotNull(message);
        Assert.Equal("", refusal);
        Assert.Equal("Hello", message.Subject);
        Assert.Equal("42", message.Headers["X-Campaign"]);
        Assert.Single(message.Attachments);
    }

    [Theory]
    [InlineData("alice@example.com> RET=HDRS", "FROM")]
    [InlineData("bob@example.org> NOTIFY=NEVER", "TO")]
    [InlineData("<bob@example.org", "TO")]
    public void An_api_address_cannot_carry_esmtp_parameters(string address, string keyword)
    {
        var parsed = ApiSubmission.ParsePath(address, keyword);
        Assert.Null(parsed.Path);
        Assert.Equal("501 5.1.3 An address may not contain < or >; give it bare, as local@domain", parsed.Error.ToString());
    }

    [Fact]
    public void A_bare_api_address_is_still_taken()
    {
        var parsed = ApiSubmission.ParsePath("Alice@Example.com", "FROM");
        Assert.Equal("alice@example.com", parsed.Path!.Address.Normalized);
        Assert.Empty(parsed.Path.Parameters);
    }
}
