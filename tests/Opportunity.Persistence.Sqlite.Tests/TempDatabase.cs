namespace Opportunity.Persistence.Sqlite.Tests;

/// <summary>A real SQLite file in its own temporary folder, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "opportunity-sqlite-tests", Guid.NewGuid().ToString("N"));
        Path = System.IO.Path.Combine(Folder, "sub", "opportunity.db");
    }

    public string Folder { get; }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
