namespace Outpost.Engine.Configuration;

/// <summary>A network (CIDR) whose clients may send as one hosted domain without AUTH, on the relay listener.</summary>
public sealed class TrustedNetworkOptions
{
    public string Cidr { get; set; } = "";
    public string Domain { get; set; } = "";
}
