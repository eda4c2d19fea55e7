using Outpost.Engine.Bounces;

namespace Outpost.Engine.Delivery;

/// <summary>
/// What one failed try counts as: its class (wait, fail over to the next channel, or bounce), the reply
/// code and text its attempt records, and whether the connection itself was lost (then a shutdown of the
/// run, which cuts its connections, explains it better than the remote does).
/// </summary>
public readonly record struct TryFailure(BounceClass Class, int? Code, string Reply, bool ConnectionLost);
