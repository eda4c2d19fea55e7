-- Idempotency keys of API submissions: one row per caller (scope) and key (its SHA-256; the key itself is
-- the client's and is not kept). A request claims the row in progress under a random token; the enqueue
-- transaction of its message turns it done with the answer, under the same token, or a refusal is stored
-- (or the row let go) afterwards. The unique pair decides which of two racing requests claims the key.
CREATE TABLE idempotency_keys (
    id            INTEGER PRIMARY KEY,
    scope         TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    state         TEXT NOT NULL,
    token         TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    claimed_at    INTEGER NOT NULL,
    completed_at  INTEGER,
    message_id    TEXT,
    status        INTEGER,
    body          TEXT,
    UNIQUE (scope, key_hash)
);
-- Retention removes keys past their window in batches, oldest first.
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
