namespace Outpost.Engine.Tests.Contracts;

/// <summary>The DKIM key and DNS check store contract on SQLite.</summary>
public sealed class SqliteDomainDnsStoreContract : DomainDnsStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
