using BenchmarkDotNet.Running;
using Opportunity.Benchmarks.Persistence;

// Storage per routed lead is a measurement, not a timing: `-- storage [leads]` (docs/persistence.md).
if (args.Length > 0 && args[0] == "storage")
{
    return await StorageGrowthMeasurement.RunAsync(args);
}

// Stored bytes per opportunity, both adapters: `-- storage-opportunities [count]` (docs/persistence.md).
if (args.Length > 0 && args[0] == "storage-opportunities")
{
    return await OpportunityStorageMeasurement.RunAsync(args);
}

// Change feed freshness and catch-up are latencies across two hosts, not a loop: `-- feed [changes]` (docs/performance.md).
if (args.Length > 0 && args[0] == "feed")
{
    return await ChangeFeedMeasurement.RunAsync(args);
}

// The CSV import's CPU per row, wall time and file bytes per row: `-- import-csv [rows]` (docs/performance.md).
if (args.Length > 0 && args[0] == "import-csv")
{
    return await CsvImportMeasurement.RunAsync(args);
}

// Several hosts over one database, captures/s and due items/s: `-- hosts [leads]` (docs/scaling.md).
if (args.Length > 0 && args[0] == "hosts")
{
    return await HostsMeasurement.RunAsync(args);
}

// Every grouping's CPU time against the floor's (compact table), 10^7 deals: `-- grouping-cpu [rounds] [Medium|Large] [name filter]` (docs/performance.md).
if (args.Length > 0 && args[0] == "grouping-cpu")
{
    return Opportunity.Benchmarks.Forecasting.GroupingCpuMeasurement.Run(args);
}

// The hierarchy roll-up's wall and CPU time against partner × stage, 10^7 deals: `-- rollup-cpu [rounds] [size]` (docs/performance.md).
if (args.Length > 0 && args[0] == "rollup-cpu")
{
    return Opportunity.Benchmarks.Forecasting.HierarchyRollupCpuMeasurement.Run(args);
}

// The snapshot load's wall, client and server CPU and allocations per row over PipelineStoreBenchmarks' kept data, and PostgreSQL's push-down against the narrow GROUP BY: `-- pipeline-load [rows] [rounds] [both|postgres|sqlite]` (docs/performance.md).
if (args.Length > 0 && args[0] == "pipeline-load")
{
    return await Opportunity.Benchmarks.Persistence.PipelineLoadMeasurement.RunAsync(args);
}

// One entry point for every benchmark: pick with --filter, e.g.
//   dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- --filter '*Routing*'
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

// A benchmark whose setup threw (e.g. a contender's result check failed) or that measured nothing
// fails the run, so CI's smoke run catches it.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
