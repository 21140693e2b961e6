using NodaTime;
using Opportunity.Forecasting;
using Opportunity.Pipelines;

namespace Opportunity.Core.Tests.Forecasting.Calibration;

/// <summary>
/// A seeded data set where the features matter, for the feature model's tests and the figures in
/// docs/forecasting.md. Each deal has a hidden quality: partner skill (±1 log-odds), +1.2 when it
/// is expected to close in the last month of its quarter (the end-of-quarter push), +0.5 for
/// referrals, −0.6 for the largest size band, product line and region without effect. From open
/// stage i it advances with probability σ(logit(a_i) + quality), and a stage that drags on (30
/// days or more) halves that odds. One deal in four skips Needs analysis; one won deal in three
/// skips Negotiation (so the two stage countings differ). Deals close over two years.
/// </summary>
internal static class SyntheticDeals
{
    private static readonly double[] Advance = [0.55, 0.6, 0.55, 0.5];
    private static readonly string[] Lines = ["heat-pumps", "solar", "storage", "ventilation"];
    private static readonly string[] Regions = ["north", "south", "west"];
    private static readonly string[] Sources = ["web-form", "trade-fair", "referral"];

    public static List<OpportunityHistory> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var skill = Enumerable.Range(0, 40).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        var open = PipelineDefinition.Default.OpenStages;
        var start = new LocalDate(2024, 1, 1);
        var deals = new List<OpportunityHistory>(count);
        for (var n = 0; n < count; n++)
        {
            var partner = random.Next(skill.Length);
            var source = Sources[random.Next(Sources.Length)];
            var amount = Math.Round((decimal)Math.Exp(8 + (2 * random.NextDouble())), 0);
            var expectedClose = start.PlusDays(60 + random.Next(730));
            var lastMonth = (expectedClose.Month - 1) % 3 == 2;
            var quality = skill[partner] + (lastMonth ? 1.2 : 0) + (source == "referral" ? 0.5 : 0) + (amount > 14_000m ? -0.6 : 0);

            // Walk backwards from the close date: the stage path first, then the dates.
            var path = new List<(string Stage, int Days)>();
            var won = false;
            for (var i = 0; i < open.Count; i++)
            {
                if (i == 1 && random.Next(4) == 0)
                {
                    continue; // skips Needs analysis
                }

                var days = 2 + random.Next(45);
                path.Add((open[i].Name, days));
                var logit = Math.Log(Advance[i] / (1 - Advance[i])) + quality - (days >= 30 ? Math.Log(2) : 0);
                if (random.NextDouble() >= 1 / (1 + Math.Exp(-logit)))
                {
                    break;
                }

                if (i == open.Count - 1 || (i == open.Count - 2 && random.Next(3) == 0))
                {
                    won = true;
                    break;
                }
            }

            var closedAt = expectedClose.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant() + Duration.FromHours(12);
            var at = closedAt - Duration.FromDays(path.Sum(p => p.Days));
            var changes = new List<StageChange>();
            string? from = null;
            foreach (var (stage, days) in path)
            {
                changes.Add(new StageChange(from, stage, at, "u"));
                from = stage;
                at += Duration.FromDays(days);
            }

            changes.Add(new StageChange(from, won ? "Closed won" : "Closed lost", closedAt, "u"));
            deals.Add(new OpportunityHistory(new OpportunityId($"S{n:00000}"), new PartnerId($"P{partner:00}"), new Money(amount, CurrencyCode.EUR), PipelineDefinition.Default, changes)
            {
                ProductLine = Lines[random.Next(Lines.Length)],
                Region = Regions[random.Next(Regions.Length)],
                LeadSource = source,
                ExpectedClose = expectedClose,
            });
        }

        return deals;
    }
}
