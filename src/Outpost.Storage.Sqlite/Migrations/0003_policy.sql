-- What rate limits count: each message's sender domain and its number of external recipients.
ALTER TABLE messages ADD COLUMN sender_domain TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN remote_recipients INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_sender_time ON messages(sender, received_at) WHERE remote_recipients > 0;
CREATE INDEX messages_domain_time ON messages(sender_domain, received_at) WHERE remote_recipients > 0;

-- Messages refused for their content (R1).
CREATE TABLE violations (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    sender   TEXT NOT NULL,
    domain   TEXT NOT NULL,
    class    TEXT NOT NULL,
    subject  TEXT
);
CREATE INDEX violations_sender ON violations(sender, at);
CREATE INDEX violations_domain ON violations(domain, at);

-- Restrictions of external sending, and their audit trail.
CREATE TABLE restrictions (
    id          INTEGER PRIMARY KEY,
    scope       TEXT NOT NULL CHECK (scope IN ('mailbox', 'domain')),
    subject     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    lifted_at   INTEGER,
    lifted_by   TEXT,
    lift_reason TEXT
);
CREATE INDEX restrictions_subject ON restrictions(subject) WHERE lifted_at IS NULL;

CREATE TABLE restriction_events (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    scope   TEXT NOT NULL,
    subject TEXT NOT NULL,
    action  TEXT NOT NULL,
    by      TEXT NOT NULL,
    reason  TEXT NOT NULL
);
