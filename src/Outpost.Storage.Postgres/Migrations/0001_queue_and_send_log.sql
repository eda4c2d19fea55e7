-- The queue and the send log on PostgreSQL: one row per accepted message, one per recipient, one per
-- attempt; refusals at SMTP time; messages held for review; the events outbox. Times are timestamptz
-- (UTC in, UTC out); ids are bigint identities, except the events', which the outbox hands out in
-- commit order (see event_counter below).
CREATE TABLE messages (
    id                TEXT PRIMARY KEY,
    sender            TEXT NOT NULL,
    subject           TEXT,
    size              BIGINT NOT NULL,
    auth_user         TEXT,
    client_ip         TEXT,
    helo              TEXT,
    source            TEXT NOT NULL,
    received_at       TIMESTAMPTZ NOT NULL,
    spool_path        TEXT NOT NULL,
    sender_domain     TEXT NOT NULL DEFAULT '',
    remote_recipients INTEGER NOT NULL DEFAULT 0,
    content_verdict   TEXT
);
CREATE INDEX messages_received ON messages (received_at);
CREATE INDEX messages_sender ON messages (sender);
-- What the rate limits count: external sending per sender and per sender domain.
CREATE INDEX messages_sender_time ON messages (sender, received_at) WHERE remote_recipients > 0;
CREATE INDEX messages_domain_time ON messages (sender_domain, received_at) WHERE remote_recipients > 0;

CREATE TABLE recipients (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES messages (id),
    address         TEXT NOT NULL,
    domain          TEXT NOT NULL,
    route           TEXT NOT NULL CHECK (route IN ('local', 'remote')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'delivering', 'deferred', 'delivered', 'bounced', 'rejected', 'held')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ,
    last_reply      TEXT,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX recipients_message ON recipients (message_id);
CREATE INDEX recipients_address ON recipients (address);
-- Only open recipients are in this index, so a large history never slows claims down.
CREATE INDEX recipients_due ON recipients (next_attempt_at) WHERE status IN ('queued', 'deferred', 'delivering');
-- Held recipients wait outside the claimable set; this index costs nothing while nothing is held.
CREATE INDEX recipients_held ON recipients (next_attempt_at) WHERE status = 'held';

CREATE TABLE attempts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES recipients (id),
    message_id   TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    outcome      TEXT NOT NULL,
    channel      TEXT,
    mx_host      TEXT,
    mx_address   TEXT,
    code         INTEGER,
    enhanced     TEXT,
    reply        TEXT NOT NULL,
    tls          TEXT,
    duration_ms  BIGINT NOT NULL
);
CREATE INDEX attempts_message ON attempts (message_id);

-- Refusals at SMTP time: who tried what, and the sentence they were given.
CREATE TABLE refusals (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    session_id TEXT NOT NULL,
    client_ip  TEXT NOT NULL,
    auth_user  TEXT,
    sender     TEXT,
    recipient  TEXT,
    stage      TEXT NOT NULL,
    code       INTEGER NOT NULL,
    reply      TEXT NOT NULL
);
CREATE INDEX refusals_at ON refusals (at);

-- Messages the content model was unsure of: accepted, their external recipients held until an operator
-- releases or refuses them. Written in the enqueue transaction.
CREATE TABLE reviews (
    message_id  TEXT PRIMARY KEY REFERENCES messages (id),
    label       TEXT NOT NULL,
    probability DOUBLE PRECISION NOT NULL,
    evidence    TEXT NOT NULL,
    model       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    decision    TEXT CHECK (decision IN ('released', 'refused')),
    decided_by  TEXT,
    decided_at  TIMESTAMPTZ,
    reason      TEXT
);
CREATE INDEX reviews_pending ON reviews (created_at) WHERE decision IS NULL;

-- The events outbox: one row per recipient status change, written in the transaction of the change.
-- Readers keep their place by id ("after 41"), so an id must never become visible after a higher one.
-- A sequence cannot promise that: a value taken first may commit last, and a reader that already moved
-- past a higher id would skip it for good. So ids come from one counter row, taken as the last step of a
-- writing transaction: its row lock is held until commit, the next writer waits for it and takes the
-- following ids, and ids rise in commit order with no gap (a rolled-back transaction gives its ids back).
CREATE TABLE event_counter (
    only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    last_id  BIGINT NOT NULL
);
INSERT INTO event_counter (only_row, last_id) VALUES (TRUE, 0);

CREATE TABLE events (
    id           BIGINT PRIMARY KEY,
    type         TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    recipient_id BIGINT NOT NULL,
    address      TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    reason       TEXT,
    code         INTEGER,
    enhanced     TEXT,
    reply        TEXT,
    attempt      INTEGER NOT NULL,
    channel      TEXT,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX events_message ON events (message_id);
