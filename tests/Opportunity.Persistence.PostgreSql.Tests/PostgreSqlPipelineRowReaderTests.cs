using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// The pipeline row stream copied by several connections over disjoint partner ranges
/// (<see cref="PgPipelineRowReader"/>): the same rows as one <c>COPY</c>, one tenant's only under
/// row-level security on every connection, one partner's for a partner scope, and all of one
/// exported snapshot however writers move on meanwhile.
/// </summary>
public sealed class PostgreSqlPipelineRowReaderTests : PostgresSchemaTest
{
    private static readonly TenantId TenantA = new("tenant-a");
    private static readonly TenantId TenantB = new("tenant-b");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    /// <summary>The opportunity store with its internal overload that chooses the number of readers.</summary>
    private PostgreSqlOpportunityStore Rows => (PostgreSqlOpportunityStore)Store.Opportunities;

    /// <summary>Three connections over the ranges a sample chose give exactly the rows of one, and the snapshot built from them equals the one built from the opportunities.</summary>
    [PostgresFact]
    public async Task ReadPipelineRows_ParallelRanges_SameRowsAsOneCopy()
    {
        var deals = await SeedAsync();
        var scope = AccessScope.Manufacturer(TenantA);

        await using (var connection = await PostgresTestDatabase.OpenAppConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var set = new NpgsqlCommand("SELECT set_config('opportunity.tenant', 'tenant-a', true), set_config('opportunity.partner', '', true);", connection, transaction))
            {
                await set.ExecuteNonQueryAsync();
            }

            var bounds = await PgPipelineRowReader.BoundsAsync(connection, $"{SchemaName}.opportunities", "r.tenant = 'tenant-a' AND r.stage_kind = 0", 3, 0, CancellationToken.None);
            Assert.Equal(2, bounds.Length);
            Assert.True(string.CompareOrdinal(bounds[0], bounds[1]) < 0);
            Assert.All(bounds, b => Assert.StartsWith("P", b, StringComparison.Ordinal));
        }

        var one = await ReadAsync(scope, readers: 1);
        var three = await ReadAsync(scope, readers: 3);
        Assert.Equal(48, one.Count);
        Assert.Equal(one, three);
        Assert.Equal(Sorted(deals.Where(d => d.Tenant == TenantA).Select(StoredPipelineRow.Of)), three);
        var expected = PipelineSnapshot.FromOpportunities(deals.Where(d => d.Tenant == TenantA)).Group(PipelineDimension.Partner, PipelineDimension.Stage).Groups.ToList();
        Assert.Equal(expected, (await PipelineSnapshot.FromStoreAsync(Store.Opportunities, scope)).Group(PipelineDimension.Partner, PipelineDimension.Stage).Groups);
    }

    /// <summary>
    /// Without a tenant in the statement's own condition, every connection of a split read still
    /// sees only the scope's tenant (row-level security, set on each), and a partner scope reads
    /// that partner's deals only.
    /// </summary>
    [PostgresFact(RequiresAppRole = true)]
    public async Task ReadPipelineRows_SplitAsAppRole_OneTenantsRowsOnEveryConnection()
    {
        var deals = await SeedAsync();
        await using var source = NpgsqlDataSource.Create(PostgresTestDatabase.App!);
        var rows = new List<StoredPipelineRow>();
        await foreach (var batch in PgPipelineRowReader.ReadAsync(source.OpenConnectionAsync, $"{SchemaName}.opportunities", AccessScope.Manufacturer(TenantB), "r.stage_kind = 0", v => $"'{v}'", 3, 0, CancellationToken.None))
        {
            rows.AddRange(batch.ToArray());
        }

        Assert.Equal(Sorted(deals.Where(d => d.Tenant == TenantB).Select(StoredPipelineRow.Of)), Sorted(rows));

        var partner = await ReadAsync(AccessScope.ForPartner(TenantA, new PartnerId("P03")), readers: 2);
        Assert.Equal(4, partner.Count);
        Assert.Equal(Sorted(deals.Where(d => d.Tenant == TenantA && d.Partner.Value == "P03").Select(StoredPipelineRow.Of)), partner);
    }

    /// <summary>
    /// Deals written after the stream's first row (every connection has imported the snapshot by
    /// then) are in none of the ranges, wherever they fall.
    /// </summary>
    [PostgresFact]
    public async Task ReadPipelineRows_WriteDuringParallelRead_NotSeenByAnyRange()
    {
        var deals = await SeedAsync();
        var scope = AccessScope.Manufacturer(TenantA);

        var rows = new List<StoredPipelineRow>();
        await foreach (var row in Rows.ReadPipelineRowsAsync(scope, false, readers: 2, rowsPerReader: 0))
        {
            if (rows.Count == 0)
            {
                await Store.Opportunities.AddAsync(Deal(TenantA, "late-first", "P00", 999_001));
                await Store.Opportunities.AddAsync(Deal(TenantA, "late-last", "P11", 999_002));
            }

            rows.Add(row);
        }

        Assert.Equal(Sorted(deals.Where(d => d.Tenant == TenantA).Select(StoredPipelineRow.Of)), Sorted(rows));
        Assert.Equal(50, (await ReadAsync(scope, readers: 2)).Count);
    }

    /// <summary>A consumer that stops after a few rows stops the readers and gives their connections back; the next read is whole.</summary>
    [PostgresFact]
    public async Task ReadPipelineRows_ConsumerStopsEarly_ReadersStopAndNextReadIsWhole()
    {
        await SeedAsync();
        var scope = AccessScope.Manufacturer(TenantA);
        var taken = 0;
        await foreach (var _ in Rows.ReadPipelineRowsAsync(scope, false, readers: 2, rowsPerReader: 0))
        {
            if (++taken == 5)
            {
                break;
            }
        }

        Assert.Equal(5, taken);
        Assert.Equal(48, (await ReadAsync(scope, readers: 2)).Count);
    }

    /// <summary>
    /// A reader that fails (a deal in the last range stored above the one deal limit before 0.2.0)
    /// stops the others, and its exception reaches the consumer of the batches as it was thrown,
    /// naming the deal; the next read is whole once the deal is repaired.
    /// </summary>
    [PostgresFact]
    public async Task ReadPipelineRowBatches_ReaderFails_ExceptionReachesConsumerNamingTheDeal()
    {
        await SeedAsync();
        var scope = AccessScope.Manufacturer(TenantA);
        Assert.Equal(1, await AsOwnerSystemAsync($"UPDATE {SchemaName}.opportunities SET amount_minor = 1000000000000000 WHERE id = 'o-47';"));

        var error = await Assert.ThrowsAsync<StoreDataException>(async () =>
        {
            await foreach (var _ in Rows.ReadPipelineRowBatchesAsync(scope, false, readers: 3, rowsPerReader: 0))
            {
            }
        });

        Assert.Equal("o-47", error.EntityId);
        Assert.Equal("Amount", error.Field);
        Assert.Equal(1, await AsOwnerSystemAsync($"UPDATE {SchemaName}.opportunities SET amount_minor = 1047 WHERE id = 'o-47';"));
        Assert.Equal(48, (await ReadAsync(scope, readers: 3)).Count);
    }

    /// <summary>Runs a statement as the owner in system mode (past row-level security); the rows it changed.</summary>
    private static async Task<int> AsOwnerSystemAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var system = new NpgsqlCommand("SELECT set_config('opportunity.system', 'on', true);", connection, transaction))
        {
            await system.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var changed = await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return changed;
    }

    private async Task<List<StoredPipelineRow>> ReadAsync(AccessScope scope, int readers)
    {
        var rows = new List<StoredPipelineRow>();
        await foreach (var row in Rows.ReadPipelineRowsAsync(scope, false, readers, rowsPerReader: 0))
        {
            rows.Add(row);
        }

        return Sorted(rows);
    }

    private static List<StoredPipelineRow> Sorted(IEnumerable<StoredPipelineRow> rows) =>
        [.. rows.OrderBy(r => r.Partner.Value, StringComparer.Ordinal).ThenBy(r => r.AmountMinorUnits)];

    /// <summary>48 open deals of tenant A over partners P00–P11 (4 each, some with a region) and 12 of tenant B over Q00–Q11, each with its own amount.</summary>
    private async Task<List<SalesOpportunity>> SeedAsync()
    {
        var deals = new List<SalesOpportunity>();
        for (var i = 0; i < 60; i++)
        {
            var tenant = i < 48 ? TenantA : TenantB;
            deals.Add(Deal(tenant, $"o-{i:D2}", $"{(i < 48 ? "P" : "Q")}{i % 12:D2}", 1_000 + i, i % 3 == 0 ? "DE-South" : null));
        }

        var result = await Store.Importer.ImportAsync(deals.Select(d => d.ToSnapshot()));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return deals;
    }

    private SalesOpportunity Deal(TenantId tenant, string id, string partner, int amount, string? region = null) =>
        SalesOpportunity.Open(tenant, new OpportunityId(id), new SalesOpportunityDraft(new PartnerId(partner), new Money(amount, CurrencyCode.EUR), new LocalDate(2025, 6, 30)) { Region = region }, PipelineDefinition.Default, "u", _clock);
}
