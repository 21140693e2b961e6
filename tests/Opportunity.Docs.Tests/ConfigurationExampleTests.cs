using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using Opportunity.Hosting;
using Opportunity.Leads;
using Opportunity.Notifications;
using Opportunity.Notifications.Smtp;
using Opportunity.Notifications.Webhooks;
using Opportunity.Partners;
using Opportunity.Persistence.Sqlite;
using Opportunity.Workflows;

namespace Opportunity.Docs.Tests;

/// <summary>The complete appsettings.json of docs/configuration.md binds as written, every section of it.</summary>
public sealed class ConfigurationExampleTests : IDisposable
{
    private const string Marker = "<!-- appsettings.json: bound as written by tests/Opportunity.Docs.Tests/ConfigurationExampleTests.cs -->";

    private readonly string _contentRoot = Directory.CreateTempSubdirectory("opportunity-appsettings-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public void CompleteAppsettings_AsWrittenInConfigurationMd_BindsAndValidatesEveryOption()
    {
        var markdown = File.ReadAllText(Path.Combine(DocSnippetTests.RepositoryRoot(), "docs", "configuration.md"));
        var block = Regex.Match(markdown, Regex.Escape(Marker) + @"\s*```json\s*\n(?<json>.*?)\n```", RegexOptions.Singleline);
        Assert.True(block.Success, $"no ```json block after the marker {Marker} in docs/configuration.md");
        File.WriteAllText(Path.Combine(_contentRoot, "appsettings.json"), block.Groups["json"].Value);
        // The files the example names, as an app would ship them.
        File.WriteAllText(Path.Combine(_contentRoot, "routing.json"), """{ "name": "from-file", "filters": [ { "kind": "territory" } ] }""");
        Directory.CreateDirectory(Path.Combine(_contentRoot, "templates"));
        File.WriteAllText(Path.Combine(_contentRoot, "templates", "lead-assigned.partner.de.html"), "<p>Hallo {partnerName}, bitte nehmen Sie Lead {aggregateId} bis {acceptanceDeadline} an.</p>");

        // The registration of the page's snippet, on a host whose content root holds those files.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _contentRoot, DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(_contentRoot, "appsettings.json"));
        var opportunity = builder.Configuration.GetSection("Opportunity");
        builder.Services.AddOpportunityManagement(opportunity.GetSection("Management"))
            .UseSqlite(opportunity.GetSection("Sqlite"))
            .AddLeadDistribution(opportunity.GetSection("LeadDistribution"))
            .AddNotificationDispatcher(opportunity.GetSection("Notifications"))
            .UseSmtp(opportunity.GetSection("Smtp"))
            .UseWebhooks(opportunity.GetSection("Webhooks"))
            .AddBackgroundProcessing(opportunity.GetSection("BackgroundProcessing"))
            .AddForecastSnapshotSchedule(opportunity.GetSection("ForecastSnapshots"))
            .AddLivePipelineFollower(opportunity.GetSection("LivePipeline"))
            .AddPersonalDataErasure(opportunity.GetSection("Retention"))
            .AddPersonalDataRetentionHostedService(opportunity.GetSection("RetentionSweep"));
        using var host = builder.Build();

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        var distribution = Value<LeadDistributionOptions>(host);
        Assert.Equal("from-file", distribution.RuleSet.Name);
        Assert.Equal(Duration.FromHours(24), distribution.Escalation.For(PartnerTier.Silver).AcceptanceTime);
        Assert.Equal(Duration.FromHours(8), distribution.Escalation.For(PartnerTier.Gold).AcceptanceTime);
        Assert.Equal(EscalationAction.NotifyDistributor, distribution.Escalation.For(PartnerTier.Silver).Steps[1].Action); // two tiers: the distributor hears first
        Assert.Equal((Duration.FromDays(14), Duration.FromDays(7)), (distribution.FollowUps.Inactivity, distribution.FollowUps.Repeat));
        Assert.Equal(LeadPrivacyPolicy.Default, distribution.Privacy);
        Assert.Equal((DuplicateMatchKeys.All, DuplicateHandling.OfferToWorkingPartner), (distribution.Duplicates.MatchOn, distribution.Duplicates.Handling));
        Assert.Contains("t-online.de", distribution.Duplicates.FreeMailDomains);
        Assert.Equal("Europe/Berlin", distribution.FallbackCalendar.Zone.Id);
        Assert.Equal(2, distribution.FallbackCalendar.PeriodsOn(IsoDayOfWeek.Monday).Count);
        Assert.Contains(new LocalDate(2026, 12, 25), distribution.FallbackCalendar.Holidays);
        Assert.Equal([new WorkingPeriod(new LocalTime(8, 0), new LocalTime(12, 0))], distribution.FallbackCalendar.PeriodsOn(new LocalDate(2026, 12, 24)));
        Assert.Equal(DealRegistrationPolicy.Default with { MaxExtensions = 2, ConflictRule = RegistrationConflictRule.FirstRegisteredWins }, distribution.Registrations);
        Assert.Equal(new LeadRecyclingPolicy { MaxRecycles = 3, Cooldown = Duration.FromHours(160), QueueRetry = Duration.FromHours(16) }, distribution.Recycling);

        var templates = Value<NotificationDispatcherOptions>(host).Templates;
        Assert.StartsWith("New lead {aggregateId} for {partnerName}", templates.Find("LeadAssigned", NotificationAudience.Partner, "en", "en")!.Subject, StringComparison.Ordinal);
        Assert.StartsWith("<p>Hallo {partnerName}", templates.Find("LeadAssigned", NotificationAudience.Partner, "de", "de")!.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("Unroutable lead {aggregateId}", templates.Find("LeadUnroutable", NotificationAudience.Operations, "en", "en")!.Subject);

        Assert.Equal("crm-web-1", Value<OpportunityManagementOptions>(host).HostId);
        Assert.Equal("Opportunity", Value<SqliteStoreOptions>(host).ConnectionStringName);
        Assert.Equal("smtp.example.com", host.Services.GetRequiredService<IOptionsMonitor<SmtpNotificationOptions>>().Get(SmtpNotificationChannel.DefaultName).Host);
        Assert.Equal("crm", Assert.Single(Value<WebhookNotificationOptions>(host).Endpoints).Name);
        Assert.Equal(Duration.FromMinutes(1), Value<DueWorkHostingOptions>(host).Interval);
        Assert.Equal(Duration.FromSeconds(30), Value<NotificationDispatchHostingOptions>(host).MaxIdleInterval);
        var snapshots = Value<ForecastSnapshotScheduleOptions>(host);
        Assert.Equal(("acme", ForecastSnapshotCadence.Weekly, "Europe/Berlin", 4), (Assert.Single(snapshots.Tenants), snapshots.Cadence, snapshots.TimeZone, snapshots.FiscalYearStartMonth));
        var live = Value<LivePipelineHostingOptions>(host);
        Assert.Equal((10_000, Duration.FromDays(30)), (live.BatchSize, live.FeedRetention));
        var retention = Value<PersonalDataRetentionOptions>(host);
        Assert.Equal((Duration.FromDays(1095), Duration.FromDays(365), 1_000), (retention.ClosedOpportunityAge, retention.ClosedLeadAge, retention.MaxRecordsPerSweep));
        Assert.Equal(Duration.FromHours(1), Value<PersonalDataRetentionHostingOptions>(host).Interval);
    }

    private static T Value<T>(IHost host)
        where T : class =>
        host.Services.GetRequiredService<IOptions<T>>().Value;
}
