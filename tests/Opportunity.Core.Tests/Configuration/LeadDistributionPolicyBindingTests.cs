using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Workflows;
using static Opportunity.Core.Tests.Workflows.DistributionHarness;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>The escalation ladders, follow-up, privacy and duplicate policies and the fallback calendar bind from appsettings.json.</summary>
public sealed class LeadDistributionPolicyBindingTests
{
    private static readonly Instant MondayTen = Instant.FromUtc(2026, 3, 2, 10, 0);

    [Fact]
    public async Task AddLeadDistribution_EscalationLadderFromJson_EscalatesAfterTheConfiguredWorkingTime()
    {
        var section = Json("""
            {
              "Escalation": {
                "Default": [
                  { "After": "PT1H", "Action": "RemindPartner" },
                  { "After": "02:00:00", "Action": "notifyChannelManager" },
                  { "After": "PT3H", "Action": "Recall" }
                ],
                "ByTier": { "Gold": [ { "After": "01:30:00", "Action": "Recall" } ] }
              }
            }
            """);
        using var h = Create(MondayTen, configuration: section);
        await h.AddPartnersAsync(Partner("P-a"));

        var lead = await h.CaptureAndQualifyAsync("L-1");

        Assert.Equal(MondayTen + Duration.FromHours(3), lead.AcceptanceDeadline);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(MondayTen + Duration.FromHours(1) - Duration.Epsilon)).Reminders);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(MondayTen + Duration.FromHours(1))).Reminders);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(MondayTen + Duration.FromHours(2))).Escalations);
        var escalation = h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value.Escalation;
        Assert.Equal(Duration.FromMinutes(90), escalation.For(PartnerTier.Gold).AcceptanceTime);
        Assert.Equal(Duration.FromHours(3), escalation.For(PartnerTier.Silver).AcceptanceTime);
    }

    [Fact]
    public async Task AddLeadDistribution_FollowUpsFromJson_RequestsAStatusAfterTheConfiguredInactivity()
    {
        using var h = Create(MondayTen, configuration: Json("""{ "FollowUps": { "Inactivity": "P3D", "Repeat": "1.00:00:00" } }"""));
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1");
        await h.PartnerLeads.AcceptAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));

        Assert.Equal(MondayTen + Duration.FromDays(3), (await h.LeadAsync("L-1")).NextDueAt);
        Assert.Equal(0, (await h.Processor.ProcessDueAsync(MondayTen + Duration.FromDays(3) - Duration.Epsilon)).FollowUps);
        Assert.Equal(1, (await h.Processor.ProcessDueAsync(MondayTen + Duration.FromDays(3))).FollowUps);
        Assert.Equal(MondayTen + Duration.FromDays(4), (await h.LeadAsync("L-1")).NextDueAt);
    }

    [Fact]
    public async Task AddLeadDistribution_PrivacyFromJson_PartnerSeesExactlyTheConfiguredFieldsBeforeAccepting()
    {
        using var h = Create(MondayTen, configuration: Json("""{ "Privacy": { "VisibleBeforeAcceptance": [ "Company", "PostalArea" ], "PostalAreaLength": 3 } }"""));
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "Prospect GmbH"));

        var view = await h.PartnerLeads.FindForPartnerAsync(Tenant, new PartnerId("P-a"), new LeadId("L-1"));

        Assert.Equal(("Prospect GmbH", "803"), (view!.Company, view.PostalCode));
        Assert.Equal((null, null, null), (view.City, view.ContactEmail, view.ProductInterest));
    }

    [Fact]
    public async Task AddLeadDistribution_DuplicatesFromJson_MatchesOnTheConfiguredKeysAndHoldsForReview()
    {
        // The configured free-mail list replaces the built-in one: gmail.com identifies a company here.
        var section = Json("""{ "Duplicates": { "MatchOn": "EmailDomain", "Handling": "ManualReview", "FreeMailDomains": [ "mail.example" ] } }""");
        using var h = Create(MondayTen, configuration: section);
        await h.AddPartnersAsync(Partner("P-a"));
        await h.CaptureAndQualifyAsync("L-1", Details(company: "One", email: "a@gmail.com", phone: null));
        await h.CaptureAndQualifyAsync("L-2", Details(company: "Two", email: "b@mail.example", phone: null));

        var sameDomain = await h.CaptureAndQualifyAsync("L-3", Details(company: "Three", email: "c@gmail.com", phone: null));
        var freeMail = await h.CaptureAndQualifyAsync("L-4", Details(company: "Four", email: "d@mail.example", phone: null));

        Assert.Equal(LeadState.Unroutable, sameDomain.State);
        Assert.StartsWith("possible duplicate of lead L-1", sameDomain.StateReason, StringComparison.Ordinal);
        Assert.Equal(LeadState.Assigned, freeMail.State);
    }

    [Fact]
    public void AddLeadDistribution_FallbackCalendarFromJson_CountsWorkingTimeInTheConfiguredZoneHoursAndHolidays()
    {
        var section = Json("""
            {
              "FallbackCalendar": {
                "TimeZone": "Europe/Berlin",
                "WeeklyHours": { "Monday": [ "08:00-12:00", "13:00-17:00" ], "tuesday": [ "09:00-17:00" ] },
                "Holidays": [ "2026-03-03" ]
              }
            }
            """);
        using var h = Create(MondayTen, configuration: section);

        var calendar = h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value.FallbackCalendar;

        Assert.Equal("Europe/Berlin", calendar.Zone.Id);
        // Monday 11:00 Berlin (10:00 UTC) + 2 h: one before lunch, one after it.
        Assert.Equal(Instant.FromUtc(2026, 3, 2, 13, 0), calendar.AddWorkingTime(MondayTen, Duration.FromHours(2)));
        // 5 h left on Monday; Tuesday is a holiday, no other day is worked: 3 h into the next Monday, 11:00 Berlin.
        Assert.Equal(Instant.FromUtc(2026, 3, 9, 10, 0), calendar.AddWorkingTime(MondayTen, Duration.FromHours(8)));
    }

    [Fact]
    public void AddLeadDistribution_FallbackCalendarWithOverridesNightShiftAndMidnight_CountsThemAll()
    {
        var section = Json("""
            {
              "FallbackCalendar": {
                "TimeZone": "Europe/Berlin",
                "WeeklyHours": { "Wednesday": [ "08:00-24:00" ], "Thursday": [ "22:00-06:00" ] },
                "Overrides": { "2026-12-24": [ "08:00-12:00" ], "2026-12-26": [ "10:00-14:00" ] }
              }
            }
            """);
        using var h = Create(MondayTen, configuration: section);

        var calendar = Assert.IsType<BusinessCalendar>(h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value.FallbackCalendar);

        Assert.Equal([new WorkingPeriod(new LocalTime(8, 0), LocalTime.Midnight)], calendar.PeriodsOn(IsoDayOfWeek.Wednesday));
        // Wednesday 4 March 2026 (CET): 08:00–24:00 is 16 h, then Thursday's night shift from 22:00 (21:00 UTC).
        Assert.Equal(Instant.FromUtc(2026, 3, 5, 23, 0), calendar.AddWorkingTime(Instant.FromUtc(2026, 3, 4, 7, 0), Duration.FromHours(18)));
        // Thursday 24 December is overridden to 08:00–12:00; Saturday 26 December is a special working day.
        Assert.Equal(Duration.FromHours(4), calendar.WorkingTimeBetween(Instant.FromUtc(2026, 12, 24, 0, 0), Instant.FromUtc(2026, 12, 25, 0, 0)));
        Assert.Equal(Duration.FromHours(4), calendar.WorkingTimeBetween(Instant.FromUtc(2026, 12, 26, 0, 0), Instant.FromUtc(2026, 12, 27, 0, 0)));
    }

    [Fact]
    public void AddLeadDistribution_BadPolicyValues_FailNamingEachKeyPath()
    {
        var section = Json("""
            {
              "Escalation": {
                "Default": [ { "After": "PT1H", "Action": "RemindPartner" }, { "After": "abc", "Action": "Recall" } ],
                "ByTier": { "Gold": [ { "After": "PT2H", "Action": "Shout" } ], "Silver": [ { "After": "PT2H", "Action": "RemindPartner" } ] }
              },
              "FollowUps": { "Inactivity": "-01:00:00", "Enabled": "sometimes" },
              "Privacy": { "VisibleBeforeAcceptance": "Company, Shoe size", "PostalAreaLength": 11 },
              "Duplicates": { "Handling": "2", "FreeMailDomains": "gmail.com" },
              "FallbackCalendar": { "TimeZone": "Mars/Olympus", "WeeklyHours": { "Funday": [ "09:00-17:00" ], "Monday": [ "24:00-09:00", "9 to 5" ] }, "Holidays": [ "25.12.2026" ], "Overrides": { "24.12.2026": [ "08:00-12:00" ], "2026-12-31": [ "08:00" ] } }
            }
            """);
        using var h = Create(MondayTen, configuration: section);

        var ex = Assert.Throws<OptionsValidationException>(() => h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value);

        string[] paths =
        [
            "Opportunity:LeadDistribution:Escalation:Default:1:After: 'abc' is not a duration",
            "Opportunity:LeadDistribution:Escalation:ByTier:Gold:0:Action: 'Shout' is not one of RemindPartner, NotifyChannelManager, Recall",
            "Opportunity:LeadDistribution:Escalation:ByTier:Silver: An escalation ladder needs exactly one Recall step",
            "Opportunity:LeadDistribution:FollowUps:Enabled: 'sometimes' is not true or false",
            "Opportunity:LeadDistribution:FollowUps:Inactivity: Inactivity must be positive",
            "Opportunity:LeadDistribution:Privacy:VisibleBeforeAcceptance: 'Shoe size' is not one of",
            "Opportunity:LeadDistribution:Privacy:PostalAreaLength: Postal area length must be between 1 and 10",
            "Opportunity:LeadDistribution:Duplicates:Handling: '2' is not one of OfferToWorkingPartner, ManualReview, RouteNormally",
            "Opportunity:LeadDistribution:Duplicates:FreeMailDomains: expected an array or object, found the value 'gmail.com'.",
            "Opportunity:LeadDistribution:FallbackCalendar:TimeZone: 'Mars/Olympus' is not a TZDB time zone id",
            "Opportunity:LeadDistribution:FallbackCalendar:WeeklyHours:Funday: not a weekday",
            "Opportunity:LeadDistribution:FallbackCalendar:WeeklyHours:Monday:0: '24:00-09:00' is not a working period",
            "Opportunity:LeadDistribution:FallbackCalendar:WeeklyHours:Monday:1: '9 to 5' is not a working period",
            "Opportunity:LeadDistribution:FallbackCalendar:Holidays:0: '25.12.2026' is not a date",
            "Opportunity:LeadDistribution:FallbackCalendar:Overrides:24.12.2026: '24.12.2026' is not a date",
            "Opportunity:LeadDistribution:FallbackCalendar:Overrides:2026-12-31:0: '08:00' is not a working period",
        ];
        Assert.All(paths, p => Assert.Contains(ex.Failures, f => f.StartsWith(p, StringComparison.Ordinal)));
        Assert.Equal(paths.Length, ex.Failures.Count());
    }

    [Fact]
    public void AddLeadDistribution_UnknownPolicyKeys_FailNamingTheKeyPath()
    {
        var section = Json("""
            {
              "Escalation": { "Default": [ { "Aftr": "PT1H", "Action": "Recall" } ], "PerTier": "x" },
              "FollowUps": { "Intervall": "P1D" },
              "FallbackCalendar": { "Zone": "UTC" }
            }
            """);
        using var h = Create(MondayTen, configuration: section);

        var ex = Assert.Throws<OptionsValidationException>(() => h.Services.GetRequiredService<IOptions<LeadDistributionOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.StartsWith("Opportunity:LeadDistribution:Escalation:Default:0:Aftr: unknown key. Known: After, Action.", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Opportunity:LeadDistribution:Escalation:Default:0:After: required.", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Opportunity:LeadDistribution:Escalation:PerTier: unknown key.", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Opportunity:LeadDistribution:FollowUps:Intervall: unknown key.", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("Opportunity:LeadDistribution:FallbackCalendar:Zone: unknown key. Known: TimeZone, WeeklyHours, Holidays, Overrides.", StringComparison.Ordinal));
    }

    [Fact]
    public void AddLeadDistribution_SectionAndCodeTogether_KeysAbsentFromConfigurationKeepWhatCodeSet()
    {
        var services = new ServiceCollection();
        services.AddOpportunityManagement()
            .AddLeadDistribution(o => o.FollowUps = new FollowUpPolicy { Inactivity = Duration.FromDays(10), Repeat = Duration.FromDays(2) })
            .AddLeadDistribution(Json("""{ "FollowUps": { "Repeat": "P5D" }, "SystemActor": "robot" }"""))
            .AddLeadDistribution(o => o.Privacy = o.Privacy with { PostalAreaLength = 4 });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<LeadDistributionOptions>>().Value;

        Assert.Equal((Duration.FromDays(10), Duration.FromDays(5), true), (options.FollowUps.Inactivity, options.FollowUps.Repeat, options.FollowUps.Enabled));
        Assert.Equal(("robot", 4), (options.SystemActor, options.Privacy.PostalAreaLength));
        Assert.Equal(2, LeadPrivacyPolicy.Default.PostalAreaLength); // the shared default is copied, never changed
    }

    [Fact]
    public async Task AddLeadDistribution_BrokenPolicyAtStart_FailsTheHostStart()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOpportunityManagement().AddLeadDistribution(Json("""{ "FollowUps": { "Repeat": "weekly" } }"""));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("Opportunity:LeadDistribution:FollowUps:Repeat: 'weekly' is not a duration.", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void AddLeadDistribution_PolicyReloadedBroken_KeepsTheLastGoodPoliciesAndTheRoutingOptions()
    {
        var json = new Dictionary<string, string?> { ["LeadDistribution:FollowUps:Inactivity"] = "P3D" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(json).Build();
        var services = new ServiceCollection();
        services.AddOpportunityManagement().AddLeadDistribution(configuration.GetSection("LeadDistribution"));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<LeadDistributionOptions>>();
        Assert.Equal(Duration.FromDays(3), monitor.CurrentValue.FollowUps.Inactivity);

        configuration["LeadDistribution:FollowUps:Inactivity"] = "P4D";
        configuration.Reload();
        Assert.Equal(Duration.FromDays(4), monitor.CurrentValue.FollowUps.Inactivity);

        configuration["LeadDistribution:FollowUps:Inactivity"] = "four days";
        configuration.Reload();
        Assert.Equal(Duration.FromDays(4), monitor.CurrentValue.FollowUps.Inactivity);
        Assert.Equal("default", monitor.CurrentValue.RuleSet.Name);
    }

    private static IConfiguration Json(string leadDistribution) =>
        new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "Opportunity": { "LeadDistribution": {{leadDistribution}} } }""")))
            .Build()
            .GetSection("Opportunity:LeadDistribution");
}
