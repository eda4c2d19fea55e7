using Outpost.Engine.Tests.Architecture.Sample.Low;

namespace Outpost.Engine.Tests.Architecture.Sample.High;

/// <summary>A stage of the sample one layer up: it may use the layer below, as it does here.</summary>
public sealed class HighStage
{
    public bool Check(object value) => LowStage.IsHigh()(value);
}
