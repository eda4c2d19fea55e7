using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Commands for the hot paths, prepared once per transaction and run for every row of a batch:
/// SQLite parses the statement once instead of once a row (Dapper makes a new command each call).
/// Parameters are positional, in the order their <c>$names</c> first appear in the text.
/// </summary>
static partial class Prepared
{
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in ParameterName().Matches(sql).Select(m => m.Value).Distinct(StringComparer.Ordinal))
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }

    /// <summary>Sets the parameters in order (null is SQL NULL) and runs the command; returns the rows it changed.</summary>
    public static int Run(SqliteCommand command, params ReadOnlySpan<object?> values) => Bind(command, values).ExecuteNonQuery();

    /// <summary>Sets the parameters in order and returns the first column of the first row.</summary>
    public static object? Scalar(SqliteCommand command, params ReadOnlySpan<object?> values) => Bind(command, values).ExecuteScalar();

    static SqliteCommand Bind(SqliteCommand command, ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command;
    }

    [GeneratedRegex(@"\$[a-z]+")]
    private static partial Regex ParameterName();
}
