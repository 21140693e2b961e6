using System.Text;
using FsCheck;
using Opportunity.Core.Tests.Serialization;
using Opportunity.Persistence.AdapterSupport;
using FsCheck.Xunit;
using NodaTime;
using Opportunity.Persistence;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Persistence;

/// <summary>
/// The UTF-8 form of an opportunity document (what the SQLite import binds) is byte for byte the
/// UTF-8 encoding of the text form every other write stores, whatever the snapshot holds: free
/// text needing escapes, optional members set or not, any amount and probability.
/// </summary>
public sealed class SnapshotJsonUtf8Properties
{
    private static readonly Instant At = Instant.FromUtc(2025, 3, 3, 9, 0, 0);

    [Property(MaxTest = 300)]
    public void SerializeToUtf8Bytes_AnySnapshot_EqualsUtf8OfSerialize(NonEmptyString id, string? regionText, string? reasonText, long minor, int basisPoints, bool optional, byte stage)
    {
        var (region, reason) = (GeneratedText.Text(regionText), GeneratedText.Text(reasonText));
        var stages = PipelineDefinition.Default.Stages;
        var snapshot = new SalesOpportunitySnapshot
        {
            Id = new OpportunityId(GeneratedText.Id(id.Get, "opp")),
            Tenant = new TenantId("tenant-a"),
            Partner = new PartnerId("p-1"),
            Amount = Money.FromMinorUnits(Math.Abs(minor % Money.MaxDealMinorUnits), optional ? CurrencyCode.EUR : CurrencyCode.USD),
            ExpectedClose = new LocalDate(2025, 1, 1).PlusDays(Math.Abs(basisPoints % 3_000)),
            PipelineId = "default",
            Stage = stages[stage % stages.Count].Name,
            ProbabilityOverride = optional ? Probability.FromBasisPoints(Math.Abs(basisPoints % 10_001)) : null,
            Region = region,
            ProductLine = optional ? reason : null,
            History = [new StageChange(null, stages[0].Name, At, "import"), new StageChange(stages[0].Name, stages[stage % stages.Count].Name, At + Duration.FromTicks(Math.Abs(minor % 1_000_000)), "import")],
            MetCriteria = optional ? ["budget", reason ?? "x"] : [],
            CloseReason = reason,
            ClosedAt = optional ? At : null,
            CreatedAt = At,
            StageEnteredAt = At,
            LastActivityAt = At,
            Version = Math.Abs(basisPoints % 5),
            EventCount = 2,
        };

        var bytes = SnapshotJson.SerializeToUtf8Bytes(snapshot);

        Assert.Equal(Encoding.UTF8.GetBytes(SnapshotJson.Serialize(snapshot)), bytes);
    }
}
