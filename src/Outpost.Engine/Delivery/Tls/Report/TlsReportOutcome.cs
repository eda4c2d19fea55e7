namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>What became of one policy domain's report in a run: queued (to whom), sent before, or why not, in one sentence.</summary>
public sealed record TlsReportOutcome(string Domain, bool Queued, string Sentence);
