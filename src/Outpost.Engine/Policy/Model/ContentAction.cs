namespace Outpost.Engine.Policy.Model;

/// <summary>What the content model's probabilities decide for a message.</summary>
public enum ContentAction
{
    Pass,
    /// <summary>Accepted, but held until an operator releases or refuses it.</summary>
    Review,
    Refuse,
}
