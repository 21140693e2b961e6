using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting;

/// <summary>Closed deal histories drawn from known stage-advance probabilities.</summary>
internal static class HistoryTestData
{
    public static readonly Instant Start = Instant.FromUtc(2024, 1, 1, 9, 0);

    /// <summary>
    /// Deals start in Qualification; from open stage i they advance with probability advance[i]
    /// (from the last open stage: win), else they are lost. So P(win | reached stage i) = Π advance[j ≥ i].
    /// </summary>
    public static List<OpportunityHistory> Closed(int seed, int count, double[] advance, string partner = "P1")
    {
        var random = new Random(seed);
        var open = PipelineDefinition.Default.OpenStages;
        var result = new List<OpportunityHistory>();
        for (var n = 0; n < count; n++)
        {
            var at = Start + Duration.FromHours(n * 7);
            var changes = new List<StageChange> { new(null, open[0].Name, at, "u") };
            var stage = 0;
            while (true)
            {
                at += Duration.FromDays(3 + stage);
                if (random.NextDouble() >= advance[stage])
                {
                    changes.Add(new StageChange(open[stage].Name, "Closed lost", at, "u"));
                    break;
                }

                if (stage == open.Count - 1)
                {
                    changes.Add(new StageChange(open[stage].Name, "Closed won", at, "u"));
                    break;
                }

                changes.Add(new StageChange(open[stage].Name, open[stage + 1].Name, at, "u"));
                stage++;
            }

            result.Add(new OpportunityHistory(new OpportunityId($"{partner}-{n}"), new PartnerId(partner), new Money(1_000m, CurrencyCode.EUR), PipelineDefinition.Default, changes));
        }

        return result;
    }

    public static OpportunityHistory Path(string id, params (string Stage, int Day)[] stages) =>
        new(new OpportunityId(id), new PartnerId("P1"), new Money(1_000m, CurrencyCode.EUR), PipelineDefinition.Default,
            [.. stages.Select((s, i) => new StageChange(i == 0 ? null : stages[i - 1].Stage, s.Stage, Start + Duration.FromDays(s.Day), "u"))]);
}
