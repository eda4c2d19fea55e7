namespace Outpost.Engine.Tests.Contracts;

/// <summary>The TLS-RPT store contract on SQLite.</summary>
public sealed class SqliteTlsReportStoreContract : TlsReportStoreContract
{
    protected override StoreSet Open(TimeProvider time) => new SqliteStoreSet(time);
}
