using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Workflows;

namespace Opportunity.Benchmarks.Routing;

/// <summary>
/// ProcessDueAsync over many assigned leads of which a fixed number (10,000) is due: 1 % of
/// 1,000,000, and 10 % of 100,000. Equal times mean the cost follows the due items, not all leads.
/// Each due lead fires its first escalation step (a reminder) in the partner's business calendar.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class ProcessDueBenchmarks
{
    private const int Due = 10_000;
    private static readonly Instant Now = Instant.FromUtc(2025, 3, 3, 18, 0); // Monday: the Berlin and New York reminders (4 working hours after 09:00Z) are due, nothing later
    private BenchmarkLeadStore _store = null!;
    private DueWorkProcessor _processor = null!;
    private LeadSnapshot[] _dueSnapshots = [];
    private ServiceProvider? _services;

    [Params(100_000, 1_000_000)]
    public int AssignedLeads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var tenant = new TenantId("bench");
        _store = new BenchmarkLeadStore();
        var partners = Enumerable.Range(0, 100).Select(i => new Partner(tenant, new PartnerId($"P-{i:000}"), $"Partner {i}", PartnerTier.Silver)
        {
            Calendar = BusinessCalendar.WeekdaysNineToFive(DateTimeZoneProviders.Tzdb[i % 2 == 0 ? "Europe/Berlin" : "America/New_York"]),
        }).ToArray();
        foreach (var p in partners)
        {
            _store.UpsertAsync(p).GetAwaiter().GetResult();
        }

        var details = new LeadDetails { Source = "web", Company = "Prospect", ProductInterest = "heat-pumps" };
        var assignedAt = Instant.FromUtc(2025, 3, 3, 9, 0);
        var dueSnapshots = new List<LeadSnapshot>(Due);
        var stride = AssignedLeads / Due;
        for (var i = 0; i < AssignedLeads; i++)
        {
            var isDue = i % stride == 0 && dueSnapshots.Count < Due;
            var snapshot = new LeadSnapshot
            {
                Id = new LeadId($"L-{i:0000000}"),
                Tenant = tenant,
                Details = details,
                State = LeadState.Assigned,
                Qualification = LeadQualification.Full,
                CapturedAt = assignedAt,
                AssignedPartner = partners[i % partners.Length].Id,
                AssignedAt = assignedAt,
                AcceptanceDeadline = assignedAt + Duration.FromDays(7),
                NextDueAt = isDue ? Now - Duration.FromMinutes(1) : Now + Duration.FromDays(1),
                LastActivityAt = assignedAt,
                Version = 1,
                EventCount = 3,
            };
            _store.Put(snapshot);
            if (isDue)
            {
                dueSnapshots.Add(snapshot);
            }
        }

        _dueSnapshots = [.. dueSnapshots];
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new NodaTime.Testing.FakeClock(Now));
        services.AddSingleton<ILeadStore>(_store);
        services.AddSingleton<IOpportunityStore>(_store);
        services.AddSingleton<IPartnerDirectory>(_store);
        services.AddOpportunityManagement(o => o.ClaimBatchSize = 500).AddLeadDistribution();
        _services = services.BuildServiceProvider();
        _processor = _services.GetRequiredService<DueWorkProcessor>();
    }

    [IterationSetup]
    public void ResetDueLeads()
    {
        foreach (var s in _dueSnapshots)
        {
            _store.Put(s);
        }
    }

    [Benchmark]
    public DueWorkReport ProcessDue()
    {
        var report = _processor.ProcessDueAsync(Now).GetAwaiter().GetResult();
        if (report.Reminders != Due)
        {
            throw new InvalidOperationException($"Expected {Due} reminders, got {report.Reminders} ({report}).");
        }

        return report;
    }

    [GlobalCleanup]
    public void Cleanup() => _services?.Dispose();
}
