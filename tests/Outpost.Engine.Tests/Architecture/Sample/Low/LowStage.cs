namespace Outpost.Engine.Tests.Architecture.Sample.Low;

/// <summary>
/// A stage of the sample that breaks the rule on purpose, in a way no using directive shows: a lambda
/// inside a method names a type of the layer above by its fully qualified name. LayerTests proves the
/// reader of the compiled code still sees it, and names this file.
/// </summary>
public static class LowStage
{
    public static Func<object, bool> IsHigh() => o => o is Outpost.Engine.Tests.Architecture.Sample.High.HighStage;
}
