namespace Outpost.Engine.Idempotency;

/// <summary>The sentences of idempotent submission, the same in the API's answers and the log.</summary>
public static class IdempotencySentences
{
    public const string InvalidKey = "The Idempotency-Key header must be 1 to 255 printable ASCII characters.";

    public const string OneKey = "Send at most one Idempotency-Key header.";

    public const string Mismatch = "This Idempotency-Key was used for a different request.";

    public const string InProgress = "A request with this Idempotency-Key is still being processed; retry shortly.";
}
