namespace Outpost.Engine.Queue;

/// <summary>A recipient about to be queued.</summary>
public sealed record NewRecipient(string Address, string Domain, Route Route);
