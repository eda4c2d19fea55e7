namespace Outpost.Engine.Configuration;

/// <summary>How mail leaves: ports, concurrency, retries.</summary>
public sealed class DeliveryOptions
{
    /// <summary>Port of remote MX servers; tests run theirs on high ports.</summary>
    public int MxPort { get; set; } = 25;

    /// <summary>Waits between tries of a temporarily failing recipient; the last one repeats until <see cref="MaxAge"/>.</summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    /// <summary>A fraction of each wait added or taken at random, so retries do not arrive in waves.</summary>
    public double RetryJitter { get; set; } = 0.1;

    /// <summary>A message not delivered after this long bounces.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(5);

    /// <summary>
    /// The time to open a connection: TCP connect, the greeting, EHLO, STARTTLS and AUTH together. A server
    /// that holds back its greeting (a tarpit) costs a connection slot no longer than this.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait for each reply once connected (MAIL, RCPT, DATA, RSET), and for each write of the message (RFC 5321 §4.5.3.2: 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The wait for the reply to the end of the message (RFC 5321 §4.5.3.2: 10 minutes), while the server
    /// checks it. When it runs out the message counts as not taken and is tried again: a duplicate is
    /// possible, a loss is not.
    /// </summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Outbound connections in all.</summary>
    public int MaxConnections { get; set; } = 100;

    /// <summary>Outbound connections to one destination domain.</summary>
    public int MaxConnectionsPerDomain { get; set; } = 10;

    /// <summary>
    /// How long an outbound connection waits, open, for the next message to the same destination before
    /// it says QUIT (Postfix's connection cache keeps 2 s too). Under steady load every connection is
    /// reused instead of one new connection, EHLO and TLS handshake for about every other message.
    /// </summary>
    public TimeSpan ConnectionIdleTime { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Parallel writers into local mailboxes.</summary>
    public int LocalWorkers { get; set; } = 4;

    /// <summary>Local delivery into Maildirs or over LMTP to the mailbox server.</summary>
    public LocalDeliveryOptions Local { get; set; } = new();

    /// <summary>How often the queue is looked at for retries that fell due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Name given in EHLO to remote servers; defaults to <see cref="OutpostOptions.Hostname"/>.</summary>
    public string? HeloName { get; set; }

    public static readonly TimeSpan[] DefaultSchedule =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(40),
        TimeSpan.FromMinutes(80), TimeSpan.FromMinutes(160), TimeSpan.FromMinutes(320), TimeSpan.FromMinutes(640),
        TimeSpan.FromHours(16),
    ];
}
