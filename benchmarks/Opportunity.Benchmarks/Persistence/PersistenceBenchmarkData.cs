using NodaTime;
using Opportunity.Pipelines;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>Seeded opportunity rows for the persistence benchmarks, and the PostgreSQL connection they need.</summary>
internal static class PersistenceBenchmarkData
{
    public const string PostgresVariable = "OPPORTUNITY_POSTGRES";

    public static string Postgres =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Set {PostgresVariable} to an owner connection string (eval \"$(bash .ci/postgres.sh)\") to run the PostgreSQL benchmarks.");

    /// <summary><paramref name="count"/> open and closed deals (only open ones with <paramref name="openOnly"/>) of one tenant across 200 partners, all stages, two currencies, some overrides.</summary>
    public static List<SalesOpportunitySnapshot> Opportunities(int count, int seed = 7, bool openOnly = false)
    {
        var random = new Random(seed);
        var stages = openOnly ? PipelineDefinition.Default.OpenStages : PipelineDefinition.Default.Stages;
        var created = Instant.FromUtc(2025, 1, 6, 9, 0);
        var tenant = new TenantId("bench");
        var rows = new List<SalesOpportunitySnapshot>(count);
        for (var i = 0; i < count; i++)
        {
            var stage = stages[random.Next(stages.Count)];
            rows.Add(new SalesOpportunitySnapshot
            {
                Id = new OpportunityId($"opp-{i:D7}"),
                Tenant = tenant,
                Partner = new PartnerId($"partner-{random.Next(200):D3}"),
                Name = "Heat pump installation",
                Amount = new Money(random.Next(1_000, 50_000_000) / 100m, random.Next(10) == 0 ? CurrencyCode.USD : CurrencyCode.EUR),
                ExpectedClose = new LocalDate(2025, 1, 1).PlusDays(random.Next(0, 730)),
                PipelineId = PipelineDefinition.Default.Id,
                Stage = stage.Name,
                ProbabilityOverride = !stage.IsClosed && random.Next(4) == 0 ? Probability.FromBasisPoints(random.Next(0, 10_001)) : null,
                Region = "DE-South",
                ProductLine = "heat-pumps",
                History = [new Pipelines.StageChange(null, stage.Name, created, "import")],
                CloseReason = stage.IsClosed ? "imported" : null,
                ClosedAt = stage.IsClosed ? created : null,
                CreatedAt = created,
                StageEnteredAt = created,
                LastActivityAt = created,
            });
        }

        return rows;
    }
}
