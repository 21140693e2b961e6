using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Core.Tests.Notifications;
using Opportunity.Notifications;
using Opportunity.Persistence.InMemory;
using static Opportunity.Core.Tests.Notifications.NotificationTestKit;

namespace Opportunity.Core.Tests.Configuration;

/// <summary>Notification templates bind from appsettings.json, inline or from files under the content root.</summary>
public sealed class NotificationTemplateBindingTests : IDisposable
{
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("opportunity-templates-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public async Task AddNotificationDispatcher_InlineSubject_RenderedInTheMailWhileTheRestOfTheTemplatesStay()
    {
        var section = Json("""{ "Templates": { "LeadAssigned": { "Partner": { "de": { "Subject": "Lead {aggregateId} für {partnerName}" } } } } }""");
        using var provider = Provider(section, out var mail);
        await SeedAsync(provider, Partner("de"));

        await provider.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();

        var content = Assert.Single(mail.Delivered).Content!;
        Assert.Equal("Lead L-1 für Müller & Söhne", content.Subject);
        Assert.Contains("Hallo Müller & Söhne,", content.TextBody, StringComparison.Ordinal); // the built-in body of that key stays
        var templates = provider.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value.Templates;
        var builtIn = NotificationTemplateCatalog.CreateDefault();
        Assert.Equal(builtIn.Templates.Count, templates.Templates.Count);
        Assert.Equal(builtIn.Find("LeadAssigned", NotificationAudience.Partner, "en", "en")!.Subject, templates.Find("LeadAssigned", NotificationAudience.Partner, "en", "en")!.Subject);
    }

    [Fact]
    public async Task AddNotificationDispatcher_NewLanguageWithBodyFromContentRoot_PartnerReadsItsLanguage()
    {
        Directory.CreateDirectory(Path.Combine(_contentRoot, "templates"));
        await File.WriteAllTextAsync(Path.Combine(_contentRoot, "templates", "lead-assigned.fr.txt"), "Bonjour {partnerName}, acceptez le lead {aggregateId} avant {acceptanceDeadline}.");
        var section = Json("""
            { "Templates": { "leadassigned": { "partner": { "FR": { "Subject": "Nouveau lead {aggregateId}", "TextBodyFile": "templates/lead-assigned.fr.txt" } } } } }
            """);
        using var host = HostWith(section, out var mail);
        await SeedAsync(host.Services, Partner("fr"));

        await host.Services.GetRequiredService<NotificationDispatcher>().DispatchDueAsync();

        var content = Assert.Single(mail.Delivered).Content!;
        Assert.Equal(("fr", "Nouveau lead L-1"), (content.Language, content.Subject));
        Assert.Equal("Bonjour Müller & Söhne, acceptez le lead L-1 avant 2025-03-03T17:00:00Z.", content.TextBody);
        Assert.Null(content.HtmlBody);
    }

    [Fact]
    public async Task AddNotificationDispatcher_BrokenTemplates_FailTheStartNamingEachKeyPath()
    {
        var section = Json("""
            {
              "Templates": {
                "LeadAssigned": {
                  "Partner": {
                    "de": { "Subject": "Lead für {customerName}" },
                    "en": { "TextBody": "Deadline {acceptanceDeadline", "Subjekt": "x" },
                    "fr": { "Subject": "Nouveau lead" },
                    "it": { "Subject": "Nuovo lead", "TextBody": "Ciao", "TextBodyFile": "it.txt" },
                    "es": { "Subject": "Nuevo lead", "TextBodyFile": "missing/es.txt" }
                  },
                  "Customer": { "en": { "Subject": "x", "TextBody": "y" } }
                },
                "LeadTeleported": { "Partner": { "en": { "Subject": "x", "TextBody": "y" } } }
              }
            }
            """);
        using var host = HostWith(section, out _);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        const string Templates = "Opportunity:Notifications:Templates:";
        string[] failures =
        [
            Templates + "LeadAssigned:Partner:de: LeadAssigned/Partner/de: Unknown placeholder '{customerName}'",
            Templates + "LeadAssigned:Partner:en: LeadAssigned/Partner/en textBody, position 10: Placeholder is not closed",
            Templates + "LeadAssigned:Partner:en:Subjekt: unknown key.",
            Templates + "LeadAssigned:Partner:fr:TextBody: required",
            Templates + "LeadAssigned:Partner:it:TextBodyFile: set TextBody or TextBodyFile, not both.",
            Templates + $"LeadAssigned:Partner:es:TextBodyFile: '{Path.Combine(_contentRoot, "missing", "es.txt")}' cannot be read",
            Templates + "LeadAssigned:Customer: not an audience",
            Templates + "LeadTeleported: not a known event type.",
        ];
        Assert.All(failures, f => Assert.Contains(ex.Failures, actual => actual.StartsWith(f, StringComparison.Ordinal)));
        Assert.True(failures.Length == ex.Failures.Count(), string.Join("\n", ex.Failures));
    }

    [Fact]
    public void AddNotificationDispatcher_TemplatesAndOtherOptionsFromOneSection_BothBind()
    {
        using var provider = Provider(Json("""{ "MaxAttempts": 3, "Templates": { "LeadRecalled": { "ChannelManager": { "en": { "Subject": "Recalled: {aggregateId}" } } } } }"""), out _);

        var options = provider.GetRequiredService<IOptions<NotificationDispatcherOptions>>().Value;

        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal("Recalled: {aggregateId}", options.Templates.Find("LeadRecalled", NotificationAudience.ChannelManager, "en", "en")!.Subject);
    }

    private static async Task SeedAsync(IServiceProvider services, Opportunity.Partners.Partner partner)
    {
        var store = services.GetRequiredService<InMemoryStore>();
        await store.UpsertAsync(partner);
        await store.EnqueueAsync([Assigned()]);
    }

    private static ServiceProvider Provider(IConfiguration section, out RecordingChannel mail)
    {
        var services = new ServiceCollection();
        Register(services, section, mail = new RecordingChannel("mail"));
        return services.BuildServiceProvider();
    }

    private IHost HostWith(IConfiguration section, out RecordingChannel mail)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _contentRoot, DisableDefaults = true });
        Register(builder.Services, section, mail = new RecordingChannel("mail"));
        return builder.Build();
    }

    private static void Register(IServiceCollection services, IConfiguration section, RecordingChannel mail)
    {
        services.AddSingleton<IClock>(new FakeClock(Start));
        services.AddSingleton<INotificationChannel>(mail);
        services.AddOpportunityManagement().AddNotificationDispatcher(section);
    }

    private static IConfiguration Json(string notifications) =>
        new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "Opportunity": { "Notifications": {{notifications}} } }""")))
            .Build()
            .GetSection("Opportunity:Notifications");
}
