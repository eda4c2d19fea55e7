namespace Outpost.Engine.Accounts;

/// <summary>A refused change to accounts; the message is the sentence shown to the person.</summary>
public sealed class AccountException(string message) : Exception(message);
