-- Accounts, domains and their keys on PostgreSQL (issue 15, item 2), as the SQLite back end keeps them
-- (its migrations 0001, 0004, 0005, 0006): hosted domains and their mailboxes, the public halves of the
-- DKIM keys, the last check of every sending record, and API keys (a hash of the secret only).
CREATE TABLE domains (
    name       TEXT PRIMARY KEY,
    plan       TEXT NOT NULL CHECK (plan IN ('free', 'paid')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE mailboxes (
    address       TEXT PRIMARY KEY,
    domain        TEXT NOT NULL REFERENCES domains (name),
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('user', 'admin', 'operator')),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX mailboxes_domain ON mailboxes (domain);

-- Private keys are files under <data>/dkim/ on each node; the rows say which selector is in which state.
CREATE TABLE dkim_keys (
    domain       TEXT NOT NULL REFERENCES domains (name),
    selector     TEXT NOT NULL,
    algorithm    TEXT NOT NULL CHECK (algorithm IN ('rsa', 'ed25519')),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'active', 'retiring', 'retired')),
    public_key   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    activated_at TIMESTAMPTZ,
    retire_after TIMESTAMPTZ,
    PRIMARY KEY (domain, selector)
);

-- The last check of each sending record of a domain ("spf", "dmarc", "dkim:<selector>").
CREATE TABLE dns_checks (
    domain         TEXT NOT NULL REFERENCES domains (name),
    record         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'wrong', 'conflict', 'error')),
    sentence       TEXT NOT NULL,
    found          TEXT,
    checked_at     TIMESTAMPTZ NOT NULL,
    first_valid_at TIMESTAMPTZ,
    PRIMARY KEY (domain, record)
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL CHECK (scope IN ('domain', 'mailbox')),
    subject     TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
