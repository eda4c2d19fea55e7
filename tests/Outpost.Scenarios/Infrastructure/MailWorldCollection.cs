namespace Outpost.Scenarios.Infrastructure;

[CollectionDefinition(Name)]
public sealed class MailWorldCollection : ICollectionFixture<MailWorld>
{
    public const string Name = "mail world";
}
