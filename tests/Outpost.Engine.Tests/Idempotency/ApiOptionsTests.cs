using Outpost.Engine.Configuration;

namespace Outpost.Engine.Tests.Idempotency;

public sealed class ApiOptionsTests
{
    [Fact]
    public void The_default_window_is_a_day_and_fine() => Assert.Null(new ApiOptions().Problem());

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:59:59")]
    [InlineData("30.00:00:01")]
    [InlineData("-1.00:00:00")]
    public void A_window_outside_an_hour_to_30_days_is_one_sentence(string window)
    {
        var problem = new ApiOptions { IdempotencyWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) }.Problem();
        Assert.StartsWith("Api:IdempotencyWindow is ", problem);
        Assert.EndsWith("it must be between 01:00:00 and 30.00:00:00, e.g. 1.00:00:00 for a day.", problem);
    }

    [Theory]
    [InlineData("01:00:00")]
    [InlineData("30.00:00:00")]
    public void The_bounds_themselves_are_fine(string window) =>
        Assert.Null(new ApiOptions { IdempotencyWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) }.Problem());
}
