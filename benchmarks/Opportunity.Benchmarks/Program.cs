using BenchmarkDotNet.Running;

// One entry point for every benchmark: pick with --filter, e.g.
//   dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- --filter '*Routing*'
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

// A benchmark whose setup threw (e.g. a contender's result check failed) or that measured nothing
// fails the run, so CI's smoke run catches it.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
