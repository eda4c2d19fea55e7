#:package Microsoft.Diagnostics.Tracing.TraceEvent@4.0.0
#:property ManagePackageVersionsCentrally=false
// Sums a trace's allocation samples (GCAllocationTick, one per ~100 KB allocated) by type and by the
// first frames that allocated them. usage: dotnet run bench/alloc-top.cs <trace.nettrace>
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byPlace = new Dictionary<string, long>();
long total = 0;
foreach (var ev in log.Events)
{
    if (ev is not GCAllocationTickTraceData tick)
        continue;
    var amount = tick.AllocationAmount64;
    total += amount;
    byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + amount;
    // The first named frames above the allocation, the runtime's own included (they say which buffer it was).
    var frames = new List<string>();
    for (var frame = ev.CallStack(); frame is not null && frames.Count < 4; frame = frame.Caller)
    {
        var name = frame.CodeAddress.FullMethodName;
        if (!string.IsNullOrEmpty(name))
            frames.Add(name.Length > 90 ? name[..90] : name);
    }
    var place = string.Join("  <  ", frames);
    byPlace[place] = byPlace.GetValueOrDefault(place) + amount;
}
Console.WriteLine($"sampled allocation: {total / 1048576.0:F0} MB");
Console.WriteLine("by type:");
foreach (var (type, amount) in byType.OrderByDescending(p => p.Value).Take(20))
    Console.WriteLine($"  {100.0 * amount / total,5:F1}%  {type}");
Console.WriteLine("by where:");
foreach (var (place, amount) in byPlace.OrderByDescending(p => p.Value).Take(25))
    Console.WriteLine($"  {100.0 * amount / total,5:F1}%  {place}");
