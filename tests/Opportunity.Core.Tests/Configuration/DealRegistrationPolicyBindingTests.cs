using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>The deal-registration policy binds from <c>Opportunity:LeadDistribution:Registrations</c>.</summary>
public sealed class DealRegistrationPolicyBindingTests
{
    private static readonly Instant MondayTen = Instant.FromUtc(2026, 3, 2, 10, 0);

    [Fact]
    public async Task AddLeadDistribution_RegistrationsFromJson_ApprovalDeadlineAndProtectionInTheConfiguredWorkingTime()
    {
        var section = Json("""
            { "Registrations": { "ApprovalDeadline": "PT4H", "ProtectionPeriod": "10:00:00", "ExpiryWarning": "PT2H", "ExtensionPeriod": "PT3H", "MaxExtensions": 2, "ConflictRule": "firstRegisteredWins" } }
            """);
        using var h = Create(MondayTen, configuration: section);
        await h.AddPartnersAsync(Partner("P-a"));

        var registered = await h.Registrations.RegisterDealAsync(Tenant, new PartnerId("P-a"), new LeadId("R-1"), Details());
        await h.Registrations.ApproveDealAsync(Tenant, new LeadId("R-1"), "channel-manager");

        var policy = h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value.Registrations;
        Assert.Equal((Duration.FromHours(3), 2, RegistrationConflictRule.FirstRegisteredWins), (policy.ExtensionPeriod, policy.MaxExtensions, policy.ConflictRule));
        Assert.Equal(MondayTen + Duration.FromHours(4), registered.Lead.Registration!.ApprovalDueAt);
        // 10 working hours from Monday 10:00 (09:00–17:00 UTC): 7 on Monday, 3 on Tuesday; warned 2 hours before.
        var terms = (await h.LeadAsync("R-1")).Registration!;
        Assert.Equal((Instant.FromUtc(2026, 3, 3, 12, 0), (Instant?)Instant.FromUtc(2026, 3, 3, 10, 0)), (terms.ProtectedUntil!.Value, terms.ExpiryWarningAt));
    }

    [Fact]
    public void AddLeadDistribution_BadRegistrationValues_FailNamingEachKeyPath()
    {
        var section = Json("""
            { "Registrations": { "ApprovalDeadline": "PT0S", "ProtectionPeriod": "forever", "ExpiryWarning": "-01:00:00", "MaxExtensions": -1, "ConflictRule": "LoudestWins", "Grace": "P1D" } }
            """);
        using var h = Create(MondayTen, configuration: section);

        var ex = Assert.Throws<OptionsValidationException>(() => h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value);

        string[] paths =
        [
            "Opportunity:LeadDistribution:Registrations:ApprovalDeadline: ApprovalDeadline must be positive",
            "Opportunity:LeadDistribution:Registrations:ProtectionPeriod: 'forever' is not a duration",
            "Opportunity:LeadDistribution:Registrations:ExpiryWarning: ExpiryWarning must not be negative",
            "Opportunity:LeadDistribution:Registrations:MaxExtensions: MaxExtensions must not be negative",
            "Opportunity:LeadDistribution:Registrations:ConflictRule: 'LoudestWins' is not one of ChannelManagerDecides, FirstRegisteredWins",
            "Opportunity:LeadDistribution:Registrations:Grace: unknown key.",
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
