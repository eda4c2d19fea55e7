-- The events outbox: one row per recipient status change, written in the transaction of the change
-- itself, so a crash loses neither. Readers (the send log, webhooks) read it in id order.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    type         TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    recipient_id INTEGER NOT NULL,
    address      TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    reason       TEXT,
    code         INTEGER,
    enhanced     TEXT,
    reply        TEXT,
    attempt      INTEGER NOT NULL,
    channel      TEXT,
    created_at   INTEGER NOT NULL
);
-- AUTOINCREMENT: an id is never reused, even after a purge has emptied the table, so a reader's
-- "after this id" stays right. Purges go in id order (ids rise with time), so created_at needs no index.
CREATE INDEX events_message ON events(message_id);

-- Attempts keep the enhanced status code as its own column.
ALTER TABLE attempts ADD COLUMN enhanced TEXT;
