-- Accounts: hosted domains and their mailboxes.
CREATE TABLE domains (
    name        TEXT PRIMARY KEY,
    plan        TEXT NOT NULL CHECK (plan IN ('free', 'paid')),
    created_at  INTEGER NOT NULL
);

CREATE TABLE mailboxes (
    address       TEXT PRIMARY KEY,
    domain        TEXT NOT NULL REFERENCES domains(name),
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('user', 'admin')),
    created_at    INTEGER NOT NULL
);
CREATE INDEX mailboxes_domain ON mailboxes(domain);

-- The queue and send log: one row per accepted message, one per recipient, one per attempt.
-- Times are Unix milliseconds (UTC).
CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    sender      TEXT NOT NULL,
    subject     TEXT,
    size        INTEGER NOT NULL,
    auth_user   TEXT,
    client_ip   TEXT,
    helo        TEXT,
    source      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    spool_path  TEXT NOT NULL
);
CREATE INDEX messages_received ON messages(received_at);
CREATE INDEX messages_sender ON messages(sender);

CREATE TABLE recipients (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES messages(id),
    address         TEXT NOT NULL,
    domain          TEXT NOT NULL,
    route           TEXT NOT NULL CHECK (route IN ('local', 'remote')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'delivering', 'deferred', 'delivered', 'bounced', 'rejected', 'held')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_reply      TEXT,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX recipients_message ON recipients(message_id);
CREATE INDEX recipients_address ON recipients(address);
-- Only open recipients are in this index, so a large history never slows the queue down.
CREATE INDEX recipients_due ON recipients(next_attempt_at) WHERE status IN ('queued', 'deferred', 'delivering');

CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL REFERENCES recipients(id),
    message_id   TEXT NOT NULL,
    at           INTEGER NOT NULL,
    outcome      TEXT NOT NULL,
    channel      TEXT,
    mx_host      TEXT,
    mx_address   TEXT,
    code         INTEGER,
    reply        TEXT NOT NULL,
    tls          TEXT,
    duration_ms  INTEGER NOT NULL
);
CREATE INDEX attempts_message ON attempts(message_id);

-- Refusals at SMTP time: who tried what, and the sentence they were given.
CREATE TABLE refusals (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    auth_user  TEXT,
    sender     TEXT,
    recipient  TEXT,
    stage      TEXT NOT NULL,
    code       INTEGER NOT NULL,
    reply      TEXT NOT NULL
);
CREATE INDEX refusals_at ON refusals(at);
