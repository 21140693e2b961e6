using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>The recycling policy binds from <c>Opportunity:LeadDistribution:Recycling</c>, strictly.</summary>
public sealed class LeadRecyclingPolicyBindingTests
{
    private static readonly Instant MondayTen = Instant.FromUtc(2026, 3, 2, 10, 0);

    [Fact]
    public async Task AddLeadDistribution_RecyclingFromJson_QueueRetriedAfterTheConfiguredWorkingTime()
    {
        using var h = Create(MondayTen, configuration: Json("""{ "Recycling": { "MaxRecycles": 5, "Cooldown": "P3D", "QueueRetry": "PT10H" } }"""));

        var queued = await h.CaptureAndQualifyAsync("L-1"); // no partners: unroutable

        var policy = h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value.Recycling;
        Assert.Equal((5, Duration.FromDays(3), Duration.FromHours(10)), (policy.MaxRecycles, policy.Cooldown, policy.QueueRetry));
        // 10 working hours from Monday 10:00 (09:00–17:00 UTC): 7 on Monday, 3 on Tuesday.
        Assert.Equal(Instant.FromUtc(2026, 3, 3, 12, 0), queued.NextDueAt);
    }

    [Fact]
    public void AddLeadDistribution_BadRecyclingValues_FailNamingEachKeyPath()
    {
        using var h = Create(MondayTen, configuration: Json("""{ "Recycling": { "MaxRecycles": -1, "Cooldown": "-01:00:00", "QueueRetry": "soon", "Forever": true } }"""));

        var ex = Assert.Throws<OptionsValidationException>(() => h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value);

        string[] paths =
        [
            "Opportunity:LeadDistribution:Recycling:MaxRecycles: MaxRecycles must not be negative",
            "Opportunity:LeadDistribution:Recycling:Cooldown: Cooldown must not be negative",
            "Opportunity:LeadDistribution:Recycling:QueueRetry: 'soon' is not a duration",
            "Opportunity:LeadDistribution:Recycling:Forever: unknown key.",
        ];
        Assert.All(paths, p => Assert.Contains(ex.Failures, f => f.StartsWith(p, StringComparison.Ordinal)));
        Assert.Equal(paths.Length, ex.Failures.Count());
    }

    private static IConfiguration Json(string leadDistribution) =>
        new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "Opportunity": { "LeadDistribution": {{leadDistribution}} } }""")))
            .Build()
            .GetSection("Opportunity:LeadDistribution");
}
