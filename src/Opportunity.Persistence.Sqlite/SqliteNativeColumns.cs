using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace Opportunity.Persistence.Sqlite;

/// <summary>
/// The calls a row loop makes per row — step and the column reads — bound straight to the native
/// library SQLitePCL's provider loaded (<c>e_sqlite3</c>, Microsoft.Data.Sqlite's own), taking the
/// statement as a pointer. SQLitePCL passes the statement as a <see cref="SafeHandle"/>, whose
/// reference count is incremented and decremented (two interlocked operations) around every call:
/// for the pipeline row stream's 20-odd calls per row that was a fifth of the process's CPU. The
/// column reads are trivial and never block (the reading connections are each used by one thread at
/// a time), hence without the GC transition. With another provider <see cref="Available"/> is false
/// and <see cref="SqliteBoundStatement"/> calls SQLitePCL.
/// </summary>
internal static unsafe partial class SqliteNativeColumns
{
    private const string Library = "e_sqlite3";

    /// <summary>
    /// Whether SQLitePCL's provider is the library these calls bind to, and the runtime finds that library
    /// under its name and it is the same version (else every call goes through SQLitePCL, as before).
    /// </summary>
    public static readonly bool Available = string.Equals(raw.GetNativeLibraryName(), Library, StringComparison.Ordinal) && SameLibrary();

    private static bool SameLibrary()
    {
        try
        {
            return LibraryVersion() == raw.sqlite3_libversion_number();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(Library, EntryPoint = "sqlite3_libversion_number")]
    private static partial int LibraryVersion();

    [LibraryImport(Library, EntryPoint = "sqlite3_step")]
    public static partial int Step(nint statement);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_type")]
    [SuppressGCTransition]
    public static partial int Type(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_int64")]
    [SuppressGCTransition]
    public static partial long Int64(nint statement, int column);

    /// <summary>The column's bytes, valid until the next step (text is read as it is stored, UTF-8).</summary>
    public static ReadOnlySpan<byte> Bytes(nint statement, int column)
    {
        var bytes = Blob(statement, column);
        return bytes is null ? default : new ReadOnlySpan<byte>(bytes, Length(statement, column));
    }

    [LibraryImport(Library, EntryPoint = "sqlite3_column_blob")]
    [SuppressGCTransition]
    private static partial byte* Blob(nint statement, int column);

    [LibraryImport(Library, EntryPoint = "sqlite3_column_bytes")]
    [SuppressGCTransition]
    private static partial int Length(nint statement, int column);
}
