using BenchmarkDotNet.Running;

// Micro-benchmarks of Outpost's hot paths: dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*'
// The benchmark processes inherit this: the same large-object threshold as outpost itself (Outpost.csproj),
// so a 128 KB string of extracted text costs here what it costs in the server.
Environment.SetEnvironmentVariable("DOTNET_GCLOHThreshold", "0x100000");
BenchmarkSwitcher.FromAssembly(typeof(Outpost.Benchmarks.ClassificationBenchmarks).Assembly).Run(args);
