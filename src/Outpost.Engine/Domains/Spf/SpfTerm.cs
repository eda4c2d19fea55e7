namespace Outpost.Engine.Domains.Spf;

/// <summary>
/// One term of an SPF record: a directive (<see cref="Qualifier"/> + mechanism + argument) or a
/// modifier (<see cref="IsModifier"/>, name=value).
/// </summary>
public sealed record SpfTerm(char Qualifier, string Name, string? Argument, bool IsModifier)
{
    public override string ToString() =>
        IsModifier ? $"{Name}={Argument}" : $"{(Qualifier == '+' ? "" : Qualifier.ToString())}{Name}{(Argument is null ? "" : Argument.StartsWith('/') ? Argument : ":" + Argument)}";
}
