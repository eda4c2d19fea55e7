-- Messages the content model was unsure of (R1): accepted, their external recipients held until an
-- operator releases or refuses them. One row per message; the decision is written once.
CREATE TABLE reviews (
    message_id  TEXT PRIMARY KEY REFERENCES messages(id),
    label       TEXT NOT NULL,
    probability REAL NOT NULL,
    evidence    TEXT NOT NULL,
    model       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    decision    TEXT CHECK (decision IN ('released', 'refused')),
    decided_by  TEXT,
    decided_at  INTEGER,
    reason      TEXT
);
CREATE INDEX reviews_pending ON reviews(created_at) WHERE decision IS NULL;

-- The bulk-duplicate counts (SimHash of a message's text → the external mailboxes it went to), so a
-- restart does not reset them. Rows older than the bulk window are pruned.
CREATE TABLE bulk_recipients (
    fingerprint INTEGER NOT NULL,
    recipient   TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (fingerprint, recipient)
);
CREATE INDEX bulk_recipients_seen ON bulk_recipients(seen_at);

-- What the content model said of each message with external recipients: its version and verdict,
-- shown in the send log.
ALTER TABLE messages ADD COLUMN content_verdict TEXT;
