-- The suppression lists: per sending domain, the addresses mail is no longer sent to.
CREATE TABLE suppressions (
    domain     TEXT NOT NULL,
    address    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    source     TEXT NOT NULL,
    message_id TEXT,
    created_by TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    PRIMARY KEY (domain, address)
);
CREATE INDEX suppressions_created ON suppressions (created_at);
