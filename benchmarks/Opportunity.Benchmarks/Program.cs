using BenchmarkDotNet.Running;

// One entry point for every benchmark: pick with --filter, e.g.
//   dotnet run -c Release --project benchmarks/Opportunity.Benchmarks -- --filter '*Routing*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
