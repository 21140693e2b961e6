using NodaTime;
using Opportunity.Import;
using Opportunity.Persistence;
using Opportunity.Persistence.AdapterSupport;
using Opportunity.Pipelines;
using Xunit;
using static Opportunity.Testing.Conformance.ConformanceData;

namespace Opportunity.Testing.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>A valid batch is written whole: every row findable with version 1, due rows claimable, nothing in the outbox.</summary>
    [ConformanceFact]
    public async Task Import_ValidBatch_WritesEveryRowWithVersionOneAndNoEvents()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var rows = ImportRows(50);

        var result = await Store.Importer.ImportAsync(rows);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(50, result.Value);
        var stored = await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All));
        Assert.Equal(rows.Where(r => r.Tenant == TenantA).Select(r => r.Id.Value).Order(StringComparer.Ordinal), stored.Select(o => o.Id.Value));
        Assert.All(stored, o => Assert.Equal(1, o.Version));
        Assert.Equal(Doc(SalesOpportunity.FromSnapshot(rows[0] with { Version = 1 }, PipelineDefinition.Default)), Doc(stored[0]));
        Assert.Empty(await Store.Outbox.ListPendingAsync());
        var due = await Store.Opportunities.ClaimDueAsync(new DueWorkClaim(Clock.GetCurrentInstant(), 100, "host", Duration.FromMinutes(1)));
        Assert.Equal(rows.Count(r => r.NextDueAt is not null), due.Count);
    }

    /// <summary>One bad row anywhere (unknown stage, unknown pipeline, negative amount, duplicate id) fails the batch: nothing is written and each error names its row and field.</summary>
    [ConformanceFact]
    public async Task Import_BadRows_WriteNothingAndNameRowAndField()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var rows = ImportRows(40);
        rows[7] = rows[7] with { Stage = "Haggling" };
        rows[13] = rows[13] with { Amount = new Money(-5m, CurrencyCode.EUR) };
        rows[21] = rows[21] with { PipelineId = "no-such-pipeline" };
        rows[39] = rows[39] with { Id = rows[1].Id, Tenant = rows[1].Tenant };

        var result = await Store.Importer.ImportAsync(rows);

        Assert.False(result.IsValid);
        Assert.Equal(["rows[7].stage", "rows[13].amount", "rows[21].pipelineId", "rows[39].id"], result.Errors.Select(e => e.Location));
        Assert.Contains("Haggling", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Empty(await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All)));
        Assert.Empty(await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantB), OpportunityQuery.All)));
    }

    /// <summary>A batch with an id already stored fails whole, naming the row; the stored opportunity is untouched.</summary>
    [ConformanceFact]
    public async Task Import_IdAlreadyStored_WritesNothingAndNamesRow()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var existing = NewOpportunity(TenantA, "imp-0005", P1, Clock, 1m);
        await Store.Opportunities.AddAsync(existing);
        var rows = ImportRows(10);

        var result = await Store.Importer.ImportAsync(rows);

        var error = Assert.Single(result.Errors);
        Assert.Equal("rows[5].id", error.Location);
        var all = await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All));
        Assert.Equal(Doc(existing), Doc(Assert.Single(all)));
    }

    /// <summary>
    /// More stored ids than <see cref="OpportunityImportRules.MaxErrors"/>
    /// are all reported, in row order, so a caller that leaves them out succeeds with one retry.
    /// </summary>
    [ConformanceFact]
    public async Task Import_MoreStoredIdsThanMaxErrors_ReportsEveryOne()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var stored = OpportunityImportRules.MaxErrors + 5;
        var rows = ImportRows(stored + 1);
        Assert.True((await Store.Importer.ImportAsync(rows.Take(stored))).IsValid);

        var result = await Store.Importer.ImportAsync(rows);

        Assert.Equal(Enumerable.Range(0, stored).Select(i => $"rows[{i}].id"), result.Errors.Select(e => e.Location));
    }

    /// <summary>
    /// A CSV import that skips bad rows leaves out every stored id, however many (more than
    /// <see cref="OpportunityImportRules.MaxErrors"/>), and imports the new rows.
    /// </summary>
    [ConformanceFact]
    public async Task Import_CsvSkippingMoreStoredIdsThanMaxErrors_ImportsTheNewRows()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var stored = OpportunityImportRules.MaxErrors + 5;
        var csv = "id,partner,stage,amount,currency\n" + string.Concat(Enumerable.Range(0, stored).Select(i => $"skip-{i:D4},partner-s,Proposal,{i + 1},EUR\n"));
        var options = new OpportunityCsvOptions(TenantA);
        Assert.True((await OpportunityCsvImporter.ImportAsync(new StringReader(csv), Store.Importer, Store.Partners, options, Clock)).IsValid);

        var result = await OpportunityCsvImporter.ImportAsync(new StringReader(csv + "skip-new,partner-s,Proposal,7,EUR\n"), Store.Importer, Store.Partners, options with { SkipBadRows = true }, Clock);

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Take(3)));
        Assert.Equal(1, result.Value.Imported);
        Assert.Equal(stored, result.Value.SkippedRows.Count);
        Assert.Equal("line 2, column id", result.Value.SkippedRows[0].Location);
        Assert.NotNull(await Store.Opportunities.FindAsync(AccessScope.Manufacturer(TenantA), new OpportunityId("skip-new")));
    }

    /// <summary>An expected close date a pipeline snapshot cannot hold (9999-12-31) fails the batch, naming the row and field, so no stored deal makes a forecast throw.</summary>
    [ConformanceFact]
    public async Task Import_ExpectedCloseOutsideSnapshotRange_WritesNothingAndNamesRowAndField()
    {
        if (Store.Importer is null)
        {
            return;
        }

        var rows = ImportRows(10);
        rows[3] = rows[3] with { ExpectedClose = new LocalDate(9999, 12, 31) };

        var result = await Store.Importer.ImportAsync(rows);

        var error = Assert.Single(result.Errors);
        Assert.Equal("rows[3].expectedClose", error.Location);
        Assert.Contains("9999-12-31", error.Message, StringComparison.Ordinal);
        Assert.Empty(await ToListAsync(Store.Opportunities.QueryAsync(AccessScope.Manufacturer(TenantA), OpportunityQuery.All)));
    }

    /// <summary>Rows for an import: ids imp-0000…, tenants alternating within each pair of rows only for odd ids, every third row due.</summary>
    private List<SalesOpportunitySnapshot> ImportRows(int count)
    {
        var now = Clock.GetCurrentInstant();
        var stages = PipelineDefinition.Default.OpenStages;
        return [.. Enumerable.Range(0, count).Select(i => NewOpportunity(i % 2 == 0 || i < 10 ? TenantA : TenantB, $"imp-{i:D4}", i % 3 == 0 ? P1 : P2, Clock, 100m + i).ToSnapshot() with
        {
            Stage = stages[i % stages.Count].Name,
            ProbabilityOverride = i % 4 == 0 ? Probability.FromBasisPoints(3_333) : null,
            NextDueAt = i % 3 == 0 ? now - Duration.FromMinutes(i) : null,
            ExpectedClose = new LocalDate(2025, 1 + (i % 12), 1),
        })];
    }
}
