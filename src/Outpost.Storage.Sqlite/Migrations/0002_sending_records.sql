-- DKIM keys per domain (public halves; private keys are files under <data>/dkim/).
CREATE TABLE dkim_keys (
    domain       TEXT NOT NULL REFERENCES domains(name),
    selector     TEXT NOT NULL,
    algorithm    TEXT NOT NULL CHECK (algorithm IN ('rsa', 'ed25519')),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'active', 'retiring', 'retired')),
    public_key   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    activated_at INTEGER,
    retire_after INTEGER,
    PRIMARY KEY (domain, selector)
);

-- The last check of each sending record of a domain ("spf", "dmarc", "dkim:<selector>").
CREATE TABLE dns_checks (
    domain         TEXT NOT NULL REFERENCES domains(name),
    record         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('ok', 'missing', 'wrong', 'conflict', 'error')),
    sentence       TEXT NOT NULL,
    found          TEXT,
    checked_at     INTEGER NOT NULL,
    first_valid_at INTEGER,
    PRIMARY KEY (domain, record)
);
