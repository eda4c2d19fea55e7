// The scenarios share real servers and ports; running them one after another keeps them independent.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
