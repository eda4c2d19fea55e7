-- The events outbox carries the sender and sending domain of every event (webhooks are routed by
-- domain), and allows events without a queued message: a recipient refused at submission (rejected,
-- suppressed) never had one. SQLite cannot drop NOT NULL in place, so the table is rebuilt; ids are
-- kept, and so is the AUTOINCREMENT high-water mark, so an id is never reused (a reader's "after this
-- id" stays right even when a purge had emptied the table).
CREATE TABLE events_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    type          TEXT NOT NULL,
    message_id    TEXT,
    recipient_id  INTEGER,
    address       TEXT NOT NULL,
    sender        TEXT NOT NULL DEFAULT '',
    sender_domain TEXT NOT NULL DEFAULT '',
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    reason        TEXT,
    code          INTEGER,
    enhanced      TEXT,
    reply         TEXT,
    attempt       INTEGER NOT NULL,
    channel       TEXT,
    created_at    INTEGER NOT NULL
);
INSERT INTO events_new (id, type, message_id, recipient_id, address, sender, sender_domain, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at)
SELECT e.id, e.type, e.message_id, e.recipient_id, e.address, COALESCE(m.sender, ''), COALESCE(m.sender_domain, ''),
       e.from_status, e.to_status, e.reason, e.code, e.enhanced, e.reply, e.attempt, e.channel, e.created_at
FROM events e LEFT JOIN messages m ON m.id = e.message_id;
-- The old table's high-water mark moves to the new one (the insert above set it to the largest id kept,
-- which is lower when the newest events were purged).
INSERT INTO sqlite_sequence (name, seq) SELECT 'events_new', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events_new');
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)) WHERE name = 'events_new';
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_message ON events(message_id);
-- A domain's webhook endpoints read the outbox by sending domain, in id order.
CREATE INDEX events_domain ON events(sender_domain, id);

-- Webhook endpoints: per sending domain (domain NULL: an operator's, for every domain). The secret is
-- sealed by the SecretBox (AES-GCM, key in <data>/secret.key); cursor is the last event id this
-- endpoint's deliveries were made from. consecutive_failures and failing_since decide pausing.
CREATE TABLE webhook_endpoints (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    domain               TEXT,
    url                  TEXT NOT NULL,
    events               TEXT NOT NULL,
    secret               TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    cursor               INTEGER NOT NULL,
    paused_reason        TEXT,
    paused_at            INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since        INTEGER
);
CREATE INDEX webhook_endpoints_domain ON webhook_endpoints(domain);

-- One row per event an endpoint is to receive, made in the transaction that moves its cursor. body is
-- the JSON as signed and sent (the same bytes on every retry). status: pending, delivered, failed.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id         INTEGER NOT NULL,
    type             TEXT NOT NULL,
    message_id       TEXT,
    recipient_id     INTEGER,
    event_at         INTEGER NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    lease_until      INTEGER,
    first_attempt_at INTEGER,
    done_at          INTEGER,
    last_code        INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL
);
-- Pending deliveries only (partial indexes): what is due, and whether an earlier event of the same
-- message is still pending for the endpoint (it must go first).
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_message ON webhook_deliveries(endpoint_id, message_id, id) WHERE status = 'pending';
-- The deferred throttle: when this endpoint last got a deferral of a recipient.
CREATE INDEX webhook_deliveries_deferred ON webhook_deliveries(endpoint_id, recipient_id, event_at) WHERE type = 'deferred';
-- Retention: finished deliveries by age.
CREATE INDEX webhook_deliveries_done ON webhook_deliveries(done_at) WHERE status <> 'pending';

-- Every try: when, the HTTP status (none when no answer came), a short error, how long it took.
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    endpoint_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts(endpoint_id, id);
