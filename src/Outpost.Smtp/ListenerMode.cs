namespace Outpost.Smtp;

/// <summary>What a listening socket is for; it decides TLS at connect and who may send without AUTH.</summary>
public enum ListenerMode
{
    /// <summary>Submission (587): plaintext greeting, STARTTLS, then AUTH. Nothing is accepted without AUTH.</summary>
    Submission,

    /// <summary>Submission over implicit TLS (465): the handshake comes before the greeting.</summary>
    ImplicitTls,

    /// <summary>Relay for trusted networks: clients inside a configured CIDR send for their bound domain without AUTH.</summary>
    Relay,

    /// <summary>
    /// Feedback reports (complaints) from anyone: a transaction needs no AUTH, and AUTH is not offered,
    /// but the engine takes recipients only for its feedback addresses, so nothing received here leaves.
    /// </summary>
    Feedback,
}
