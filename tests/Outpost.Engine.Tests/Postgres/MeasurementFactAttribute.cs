namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// A measurement, not a test: skipped unless <c>OUTPOST_MEASURE=1</c>, so CI never spends its time on it
/// (bench/body-storage.sh runs it and prints the figures).
/// </summary>
public sealed class MeasurementFactAttribute : FactAttribute
{
    public MeasurementFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("OUTPOST_MEASURE") != "1")
            Skip = "A measurement: run with OUTPOST_MEASURE=1 (bench/body-storage.sh).";
    }
}
