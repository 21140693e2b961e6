using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// A test class over a fresh schema of its own (<see cref="PostgresTestDatabase.CreateAsync"/>): migrated before
/// each test, dropped after it. Without a server nothing is created and the tests skip (<see cref="PostgresFactAttribute"/>).
/// </summary>
public abstract class PostgresSchemaTest : IAsyncLifetime
{
    private PostgreSqlStore? _store;
    private Func<ValueTask>? _drop;

    /// <summary>The pipelines the store was opened with (a second store over the same schema takes them too).</summary>
    protected PipelineCatalog Pipelines { get; } = new();

    /// <summary>The store over the test's schema, connected as the app role.</summary>
    protected PostgreSqlStore Store => _store ?? throw new InvalidOperationException(PostgresTestDatabase.SkipReason);

    /// <summary>The test's schema (a fresh <c>t_…</c> name per test).</summary>
    protected string SchemaName { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (PostgresTestDatabase.Owner is not null)
        {
            (_store, SchemaName, _drop) = await PostgresTestDatabase.CreateAsync(Pipelines);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_drop is not null)
        {
            await _drop();
        }
    }
}
