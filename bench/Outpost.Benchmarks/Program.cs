using BenchmarkDotNet.Running;

// Micro-benchmarks of Outpost's hot paths: dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Outpost.Benchmarks.ClassificationBenchmarks).Assembly).Run(args);
