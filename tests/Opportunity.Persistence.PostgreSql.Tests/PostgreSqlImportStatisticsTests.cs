using Npgsql;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Pipelines;

namespace Opportunity.Persistence.PostgreSql.Tests;

/// <summary>
/// A bulk import leaves statistics that know its rows (migration 44, <c>analyze_after_import</c>), so the
/// first reads after it — a follower catching up on the change feed above all — are not planned on a
/// table believed empty; a small import into a larger table leaves them to autovacuum.
/// </summary>
public sealed class PostgreSqlImportStatisticsTests : PostgresSchemaTest
{
    private static readonly TenantId Tenant = new("tenant-a");
    private readonly FakeClock _clock = new(Instant.FromUtc(2025, 3, 3, 9, 0));

    [PostgresFact]
    public async Task ImportAsync_AboveTheAnalyzeThreshold_CommitsStatisticsThatKnowTheRows_BelowItLeavesThem()
    {
        Assert.Equal((-1f, -1f), (await RowEstimateAsync("opportunities"), await RowEstimateAsync("opportunity_feed"))); // never analysed

        await ImportAsync(0, 300);
        Assert.Equal((300f, 300f), (await RowEstimateAsync("opportunities"), await RowEstimateAsync("opportunity_feed")));

        await ImportAsync(300, 20); // 20 < 50 + 10 % of 300: autovacuum's business, not the import's
        Assert.Equal((300f, 300f), (await RowEstimateAsync("opportunities"), await RowEstimateAsync("opportunity_feed")));
    }

    private async Task ImportAsync(int first, int count)
    {
        var deals = Enumerable.Range(first, count).Select(i => SalesOpportunity.Open(
            Tenant, new OpportunityId($"o-{i:D4}"), new SalesOpportunityDraft(new PartnerId($"P{i % 7}"), new Money(1_000 + i, CurrencyCode.EUR), new LocalDate(2025, 6, 30)), PipelineDefinition.Default, "u", _clock));
        var result = await Store.Importer.ImportAsync(deals.Select(d => d.ToSnapshot()));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    /// <summary>The planner's row estimate of a table of the test schema (<c>pg_class.reltuples</c>, −1 before any analysis).</summary>
    private async Task<float> RowEstimateAsync(string table)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.Owner);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT reltuples FROM pg_class WHERE oid = $1::regclass;", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = $"{SchemaName}.{table}" });
        return (float)(await command.ExecuteScalarAsync())!;
    }
}
