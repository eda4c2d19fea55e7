-- The lifecycle issue's stores on PostgreSQL (issue 15, item 2), as the SQLite back end keeps them (its
-- migrations 0011, 0013 and 0014): webhook endpoints, their deliveries and attempts; complaints read from
-- the feedback mailbox; idempotency keys of API submissions.

-- Webhook endpoints: per sending domain (domain NULL: an operator's, for every domain). The secret is
-- sealed by the SecretBox before it gets here; cursor is the last event id this endpoint's deliveries
-- were made from. consecutive_failures and failing_since decide pausing.
CREATE TABLE webhook_endpoints (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain               TEXT,
    url                  TEXT NOT NULL,
    events               TEXT NOT NULL,
    secret               TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    cursor               BIGINT NOT NULL,
    paused_reason        TEXT,
    paused_at            TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since        TIMESTAMPTZ
);
CREATE INDEX webhook_endpoints_domain ON webhook_endpoints (domain);

-- One row per event an endpoint is to receive, made in the transaction that moves its cursor. body is
-- the JSON as signed and sent (the same bytes on every retry). status: pending, delivered, failed.
CREATE TABLE webhook_deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         BIGINT NOT NULL,
    type             TEXT NOT NULL,
    message_id       TEXT,
    recipient_id     BIGINT,
    event_at         TIMESTAMPTZ NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    lease_until      TIMESTAMPTZ,
    first_attempt_at TIMESTAMPTZ,
    done_at          TIMESTAMPTZ,
    last_code        INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL
);
-- Pending deliveries only (partial indexes): what is due, and whether an earlier event of the same
-- message is still pending for the endpoint (it must go first).
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_message ON webhook_deliveries (endpoint_id, message_id, id) WHERE status = 'pending';
-- The deferred throttle: when this endpoint last got a deferral of a recipient.
CREATE INDEX webhook_deliveries_deferred ON webhook_deliveries (endpoint_id, recipient_id, event_at) WHERE type = 'deferred';
-- Retention: finished deliveries by age.
CREATE INDEX webhook_deliveries_done ON webhook_deliveries (done_at) WHERE status <> 'pending';

CREATE TABLE webhook_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);

-- The Message-ID header of each accepted message (without brackets), so a complaint whose report keeps
-- only that can be matched to its message. The index holds only the messages that have one.
ALTER TABLE messages ADD COLUMN header_message_id TEXT;
CREATE INDEX messages_header_message_id ON messages (header_message_id) WHERE header_message_id IS NOT NULL;

-- Reports read from the feedback mailbox, kept whatever came of them, with the raw report (at most
-- Complaints:MaxReportSize bytes of raw_size) and the sentence saying how each was matched or why not.
CREATE TABLE complaints (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at        TIMESTAMPTZ NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'duplicate', 'ignored')),
    explanation        TEXT NOT NULL,
    kind               TEXT NOT NULL,
    feedback_type      TEXT,
    via                TEXT NOT NULL,
    report_id          TEXT,
    report_address     TEXT,
    reporter           TEXT,
    read_by            TEXT,
    user_agent         TEXT,
    arrival_date       TIMESTAMPTZ,
    source_ip          TEXT,
    reported_domain    TEXT,
    original_mail_from TEXT,
    original_rcpt_to   TEXT,
    comment            TEXT,
    matched_by         TEXT,
    message_id         TEXT,
    recipient_id       BIGINT,
    complainer         TEXT,
    sender             TEXT,
    sender_domain      TEXT,
    subject            TEXT,
    raw                BYTEA NOT NULL,
    raw_size           BIGINT NOT NULL,
    raw_truncated      BOOLEAN NOT NULL DEFAULT FALSE
);
-- A report delivered again after a crash (or read by two nodes) is the same complaint, not a second one.
CREATE UNIQUE INDEX complaints_report ON complaints (report_id, report_address) WHERE report_id IS NOT NULL;
CREATE INDEX complaints_domain ON complaints (sender_domain, received_at);
CREATE INDEX complaints_recipient ON complaints (message_id, recipient_id) WHERE recipient_id IS NOT NULL;

-- Idempotency keys of API submissions: one row per caller (scope) and key (its SHA-256; the key itself is
-- the client's and is not kept). A request claims the row in progress under a random token; the enqueue
-- transaction of its message turns it done with the answer, under the same token. The unique pair
-- decides which of two racing requests (on any two nodes) claims the key.
CREATE TABLE idempotency_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope        TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('in-progress', 'done')),
    token        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    claimed_at   TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ,
    message_id   TEXT,
    status       INTEGER,
    body         TEXT,
    UNIQUE (scope, key_hash)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
