namespace Outpost.Engine.Idempotency;

/// <summary>An HTTP answer kept for replay: the status code and the JSON body, byte for byte as first sent.</summary>
public sealed record StoredAnswer(int Status, string Body);
