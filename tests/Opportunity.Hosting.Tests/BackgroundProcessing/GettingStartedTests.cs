using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using NodaTime.Testing;
using Opportunity.Leads;
using Opportunity.Notifications.Smtp;
using Opportunity.Notifications.Smtp.Tests;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity.Hosting.Tests.BackgroundProcessing;

/// <summary>
/// docs/getting-started.md as written, in a real generic host whose content root is a temporary
/// folder: a SQLite file and a rule set from a JSON file, both relative to the content root, SMTP to a real server on 127.0.0.1, and <c>AddBackgroundProcessing</c>. The test
/// never calls <c>DispatchDueAsync</c>: it only lets the dispatch loop's pause end.
/// </summary>
public sealed class GettingStartedTests : IAsyncLifetime
{
    private static readonly TenantId Tenant = new("acme");
    private readonly string _directory = Directory.CreateTempSubdirectory("opportunity-getting-started-").FullName;
    private SmtpTestServer _smtp = null!;

    public async Task InitializeAsync() => _smtp = await SmtpTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AddBackgroundProcessing_LeadCapturedAndQualified_AssignedPartnersMailArrivesAtTheSmtpServer()
    {
        var routingJson = Path.Combine(_directory, "routing.json");
        await File.WriteAllTextAsync(routingJson, """{ "name": "de", "version": "1", "filters": [ { "kind": "territory" } ], "selector": { "kind": "roundRobin" } }""");
        var delays = new LoopDelays();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = _directory });
        var services = builder.Services;
        services.AddSingleton<IClock>(new FakeClock(Instant.FromUtc(2025, 3, 4, 10, 0))); // tests register a FakeClock first
        services.AddSingleton<IBackgroundDelay>(delays);                                   // and drive the loops' pauses

        // Step 2 of docs/getting-started.md, with the test's SMTP server.
        services.AddOpportunityManagement(o => o.HostId = Environment.MachineName)
            .UseSqlite(builder.Configuration.GetConnectionString("Opportunity") ?? "Data Source=opportunity.db")
            .AddLeadDistribution(o => o.RoutingRulesFile = "routing.json")
            .AddNotificationDispatcher()
            .UseSmtp(o => { o.Host = "127.0.0.1"; o.Port = _smtp.Port; o.Security = SmtpSecurity.None; o.From = "leads@example.com"; })
            .AddBackgroundProcessing();

        using var host = builder.Build();
        await host.StartAsync(CancellationToken.None);
        await delays.Dispatch.WaitRequestedAsync(); // the first pass found an empty outbox

        var provider = host.Services;
        await provider.GetRequiredService<IPartnerDirectory>().UpsertAsync(new Partner(Tenant, new PartnerId("P-1"), "Müller Haustechnik", PartnerTier.Gold)
        {
            Territories = [new Territory(new CountryCode("DE"), null)],
            ContactEmail = "vertrieb@mueller.example",
        });
        var intake = provider.GetRequiredService<LeadIntakeService>();
        var details = new LeadDetails { Source = "web", Company = "Prospect GmbH", Location = new LeadLocation(new CountryCode("DE"), "80331", "München") };
        await intake.CaptureAsync(Tenant, new LeadId("L-1"), details, actor: "web-form");
        var decision = await intake.QualifyAsync(Tenant, new LeadId("L-1"), LeadQualification.Full, actor: "inside-sales");
        Assert.Equal(new PartnerId("P-1"), decision?.Partner);
        Assert.Empty(_smtp.Mails); // nothing is sent in the request path

        delays.Dispatch.Elapse();
        await delays.Dispatch.WaitRequestedAsync(); // the next pass has finished
        await host.StopAsync(CancellationToken.None);

        var mail = Assert.Single(_smtp.Mails);
        Assert.Equal(["vertrieb@mueller.example"], mail.EnvelopeTo);
        Assert.StartsWith("New lead L-1: please accept by ", mail.Message.Subject, StringComparison.Ordinal);
        Assert.Empty(await provider.GetRequiredService<IOutboxStore>().ListPendingAsync());
        Assert.True(File.Exists(Path.Combine(_directory, "opportunity.db"))); // the content root, not the working directory
    }
}
