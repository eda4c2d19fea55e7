using Outpost.Engine.Configuration;

namespace Outpost.Engine.Tests.Retention;

/// <summary>Retention's options: the defaults are sound, and each mistake gets one sentence naming the key.</summary>
public sealed class RetentionOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_zero_keeps_forever()
    {
        var options = new RetentionOptions();
        Assert.Null(options.Problem());
        Assert.Equal(TimeSpan.FromDays(90), options.SendLog);
        Assert.Equal(TimeSpan.FromDays(30), options.Refusals);
        Assert.Equal(TimeSpan.FromHours(1), options.Interval);
        Assert.Equal(500, options.BatchSize);
        Assert.Null(new RetentionOptions { SendLog = TimeSpan.Zero, Refusals = TimeSpan.Zero, Health = TimeSpan.Zero }.Problem());
    }

    [Theory]
    [InlineData("SendLog", "-1.00:00:00", "Retention:SendLog is -1.00:00:00")]
    [InlineData("SendLog", "02:00:00", "Retention:SendLog is 02:00:00; use 0 to keep the send log forever or at least 1.00:00:00")]
    [InlineData("Refusals", "-00:00:01", "Retention:Refusals is -00:00:01")]
    [InlineData("SpoolGrace", "00:01:00", "Retention:SpoolGrace is 00:01:00; it must be at least 00:10:00")]
    [InlineData("Interval", "00:00:00", "Retention:Interval is 00:00:00")]
    public void A_bad_period_is_refused_in_one_sentence(string key, string value, string start)
    {
        var options = new RetentionOptions();
        typeof(RetentionOptions).GetProperty(key)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        var problem = options.Problem();
        Assert.NotNull(problem);
        Assert.StartsWith(start, problem);
        Assert.EndsWith(".", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1_000_000)]
    public void A_batch_size_out_of_range_is_refused(int size) =>
        Assert.StartsWith($"Retention:BatchSize is {size}; it must be between 1 and 10000 rows", new RetentionOptions { BatchSize = size }.Problem());
}
