namespace Outpost.Engine.Tests.Contracts;

/// <summary>The API key store contract on SQLite.</summary>
public sealed class SqliteApiKeyStoreContract : ApiKeyStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
