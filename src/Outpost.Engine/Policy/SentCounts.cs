namespace Outpost.Engine.Policy;

/// <summary>Messages to external recipients, and those recipients, in the last hour and day.</summary>
public readonly record struct SentCounts(int MessagesHour, int RecipientsHour, int MessagesDay, int RecipientsDay);
