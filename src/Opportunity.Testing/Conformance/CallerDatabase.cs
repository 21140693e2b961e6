using System.Data.Common;

namespace Opportunity.Testing.Conformance;

/// <summary>
/// The application's side of a shared transaction (<see cref="Persistence.StoreTransaction"/>) in the
/// conformance suite: how the application opens a connection of its own to the store's database, and
/// a table of its own there — one text column <c>id</c>, its primary key — that the suite writes the
/// application's rows to, in the same transaction as the store's.
/// </summary>
public sealed class CallerDatabase
{
    /// <summary>Describes the application's database access.</summary>
    /// <param name="openConnection">Opens a new connection to the store's database, as the application's code would.</param>
    /// <param name="ownTable">The (qualified, if needed) name of the application's table, already created and writable.</param>
    public CallerDatabase(Func<Task<DbConnection>> openConnection, string ownTable)
    {
        ArgumentNullException.ThrowIfNull(openConnection);
        ArgumentException.ThrowIfNullOrWhiteSpace(ownTable);
        OpenConnection = openConnection;
        OwnTable = ownTable;
    }

    /// <summary>Opens a new connection to the store's database, as the application's code would.</summary>
    public Func<Task<DbConnection>> OpenConnection { get; }

    /// <summary>The application's table: one text column <c>id</c>, its primary key.</summary>
    public string OwnTable { get; }
}
