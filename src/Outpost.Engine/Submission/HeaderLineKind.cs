namespace Outpost.Engine.Submission;

/// <summary>What a line of an incoming message is, as far as header completion cares.</summary>
public enum HeaderLineKind
{
    Header,
    /// <summary>The empty line that ends the header block.</summary>
    EndOfHeaders,
    /// <summary>A line that is no header although no empty line came first: the body starts here.</summary>
    BodyWithoutSeparator,
    Body,
}
