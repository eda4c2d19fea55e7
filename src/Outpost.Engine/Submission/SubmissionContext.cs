using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Metrics;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Submission;

/// <summary>What every spool sink needs, gathered once so the sink's constructor stays readable.</summary>
internal sealed record SubmissionContext(
    OutpostOptions Options,
    MessageSpool Spool,
    IMessageBodyStore Bodies,
    MessageEnqueuer Enqueuer,
    Router Router,
    ContentClassifier Classifier,
    RestrictionService Restrictions,
    OutpostMetrics Metrics,
    TimeProvider Time,
    ILogger Logger);
