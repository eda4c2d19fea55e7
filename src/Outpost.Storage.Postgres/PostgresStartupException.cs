namespace Outpost.Storage.Postgres;

/// <summary>
/// Why a node cannot start on this database, as one sentence for the operator: PostgreSQL cannot be
/// reached or refuses the login, or its schema is newer than this Outpost knows. Never carries the
/// connection string (it holds the password).
/// </summary>
public sealed class PostgresStartupException(string sentence, Exception? inner = null) : Exception(sentence, inner);
