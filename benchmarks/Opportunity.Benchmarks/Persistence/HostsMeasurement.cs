using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Npgsql;
using Opportunity.Leads;
using Opportunity.Partners;
using Opportunity.Persistence;
using Opportunity.Routing;
using Opportunity.Testing.Storage;
using Opportunity.Workflows;

namespace Opportunity.Benchmarks.Persistence;

/// <summary>
/// Throughput of several hosts over one database (docs/scaling.md, "Several hosts over one database"):
/// for 1, 2 and 4 hosts — each its own service provider wired as an app wires it
/// (<c>AddOpportunityManagement().UsePostgreSql(…)/UseSqliteFile(…).AddLeadDistribution(…)</c>) — every
/// host captures and qualifies its share of the leads (routed with the sample's rules to 300 partners
/// with capacities, so each assignment takes the store's capacity check), then the clock passes every
/// acceptance deadline and every host runs <see cref="DueWorkProcessor.ProcessDueAsync"/> until nothing is
/// due. Prints captures/s (capture + qualify + route + assign, committed) and due items/s.
/// <code>dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- hosts [leads] [--no-postgres | --no-sqlite]</code>
/// </summary>
internal static class HostsMeasurement
{
    private const int Partners = 300;

    /// <summary>Requests in flight per host, as a web app serving several users at once would have.</summary>
    private const int ConcurrencyPerHost = 4;

    private static readonly TenantId Tenant = new("acme");
    private static readonly string[] ProductLines = ["heat-pumps", "solar", "storage", "ventilation"];

    public static async Task<int> RunAsync(string[] args)
    {
        var leads = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 2_000;
        Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| store | hosts | captures/s | assigned | due items/s | due items |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var hosts in new[] { 1, 2, 4 })
        {
            if (!args.Contains("--no-sqlite"))
            {
                var path = Path.GetFullPath("hosts-measurement.db");
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }

                await MeasureAsync("SQLite file", hosts, leads, builder => builder.UseSqliteFile(path));
            }

            var postgres = Environment.GetEnvironmentVariable("OPPORTUNITY_POSTGRES");
            if (!string.IsNullOrEmpty(postgres) && !args.Contains("--no-postgres"))
            {
                const string schema = "hosts_measurement";
                await DropSchemaAsync(postgres, schema);
                await MeasureAsync("PostgreSQL", hosts, leads, builder => builder.UsePostgreSql(o => (o.ConnectionString, o.Schema) = (postgres, schema)));
                await DropSchemaAsync(postgres, schema);
            }
        }

        Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async Task MeasureAsync(string name, int hostCount, int leads, Action<OpportunityManagementBuilder> useStore)
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 3, 3, 9, 0));
        var rules = RoutingRuleSet.FromJson(StorageGrowthScenario.SampleRoutingRules).Value;
        var providers = Enumerable.Range(0, hostCount).Select(h =>
        {
            var services = new ServiceCollection();
            services.AddSingleton<IClock>(clock);
            var builder = services.AddOpportunityManagement(o => o.HostId = $"host-{h}");
            useStore(builder);
            builder.AddLeadDistribution(o => o.RuleSet = rules);
            return services.BuildServiceProvider();
        }).ToList();
        try
        {
            var directory = providers[0].GetRequiredService<IPartnerDirectory>();
            var random = new Random(11);
            for (var i = 1; i <= Partners; i++)
            {
                await directory.UpsertAsync(Partner(random, i));
            }

            // Capture: each host runs ConcurrencyPerHost loops over its share of the lead numbers.
            var assigned = 0;
            var capture = Stopwatch.StartNew();
            await Task.WhenAll(providers.SelectMany((provider, h) => Enumerable.Range(0, ConcurrencyPerHost).Select(c => Task.Run(async () =>
            {
                var intake = provider.GetRequiredService<LeadIntakeService>();
                var lane = (h * ConcurrencyPerHost) + c;
                for (var i = lane; i < leads; i += hostCount * ConcurrencyPerHost)
                {
                    var id = new LeadId(string.Create(CultureInfo.InvariantCulture, $"L{i:D7}"));
                    await intake.CaptureAsync(Tenant, id, Details(i), "web");
                    var decision = await intake.QualifyAsync(Tenant, id, LeadQualification.Full, "sdr");
                    if (decision?.Partner is not null)
                    {
                        Interlocked.Increment(ref assigned);
                    }
                }
            }))));
            capture.Stop();

            // Due work: every acceptance deadline has passed; the hosts claim and process until nothing is due.
            clock.Advance(Duration.FromDays(14));
            var now = clock.GetCurrentInstant();
            var processed = 0;
            var due = Stopwatch.StartNew();
            await Task.WhenAll(providers.Select(provider => Task.Run(async () =>
            {
                var processor = provider.GetRequiredService<DueWorkProcessor>();
                while (true)
                {
                    var report = await processor.ProcessDueAsync(now);
                    if (report.Processed == 0)
                    {
                        return;
                    }

                    Interlocked.Add(ref processed, report.Processed);
                }
            })));
            due.Stop();
            Console.WriteLine($"| {name} | {hostCount} | {leads / capture.Elapsed.TotalSeconds:N0} | {assigned:N0} of {leads:N0} | {processed / due.Elapsed.TotalSeconds:N0} | {processed:N0} |");
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync();
            }
        }
    }

    private static Partner Partner(Random random, int number)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"P{number:D3}");
        var lines = ProductLines.Where(_ => random.Next(100) < 60).DefaultIfEmpty(ProductLines[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new Partner(Tenant, new PartnerId(id), $"Partner {id}", PartnerTier.Silver)
        {
            Territories = [new Territory(new CountryCode("DE"), [((number % 9) + 1).ToString(CultureInfo.InvariantCulture)])],
            ProductLines = lines,
            Languages = new HashSet<string>(["de", "en"], StringComparer.OrdinalIgnoreCase),
            Capacity = 1_000,
            ContactEmail = $"sales@{id.ToLowerInvariant()}.example",
        };
    }

    private static LeadDetails Details(int number) => new()
    {
        Source = "web-form",
        Company = string.Create(CultureInfo.InvariantCulture, $"Company {number}"),
        Contact = new LeadContact(string.Create(CultureInfo.InvariantCulture, $"Contact {number}"), string.Create(CultureInfo.InvariantCulture, $"buyer@company-{number}.example"), null),
        Location = new LeadLocation(new CountryCode("DE"), string.Create(CultureInfo.InvariantCulture, $"{(number % 9) + 1}{1000 + (number % 9000)}")),
        ProductInterest = ProductLines[number % ProductLines.Length],
        Language = "de",
    };

    private static async Task DropSchemaAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE;", connection);
        await command.ExecuteNonQueryAsync();
    }
}
