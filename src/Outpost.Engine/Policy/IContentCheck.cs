namespace Outpost.Engine.Policy;

/// <summary>One content class's check: pure, fast, and explaining itself through the signals it names.</summary>
public interface IContentCheck
{
    ClassResult Check(MessageContent content);
}
