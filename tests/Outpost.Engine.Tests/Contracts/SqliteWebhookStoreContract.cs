namespace Outpost.Engine.Tests.Contracts;

/// <summary>The webhook store contract on SQLite.</summary>
public sealed class SqliteWebhookStoreContract : WebhookStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
