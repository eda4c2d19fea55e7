-- Policy on PostgreSQL (issue 15, items 2 and 5), as the SQLite back end keeps it (its migrations 0003
-- and 0008): messages refused for their content, restrictions of external sending (their trail is the
-- audit table of 0012), and the bulk-duplicate counts, shared by every node so that the same content
-- sent through two nodes counts once, and a restart resets nothing. The rate limits count the messages
-- table itself (indexes messages_sender_time and messages_domain_time of 0001).
CREATE TABLE violations (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    sender  TEXT NOT NULL,
    domain  TEXT NOT NULL,
    class   TEXT NOT NULL,
    subject TEXT
);
CREATE INDEX violations_sender ON violations (sender, at);
CREATE INDEX violations_domain ON violations (domain, at);
-- Retention removes old violations by age.
CREATE INDEX violations_at ON violations (at);

CREATE TABLE restrictions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope       TEXT NOT NULL CHECK (scope IN ('mailbox', 'domain')),
    subject     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    created_by  TEXT NOT NULL,
    lifted_at   TIMESTAMPTZ,
    lifted_by   TEXT,
    lift_reason TEXT
);
CREATE INDEX restrictions_subject ON restrictions (subject) WHERE lifted_at IS NULL;

-- SimHash of a message's text (as a signed 64-bit number) and the external mailboxes it went to.
CREATE TABLE bulk_recipients (
    fingerprint BIGINT NOT NULL,
    recipient   TEXT NOT NULL,
    seen_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (fingerprint, recipient)
);
CREATE INDEX bulk_recipients_seen ON bulk_recipients (seen_at);
