-- Outbound TLS policy (issue 17).

-- Each attempt names the TLS policy it went under and what came of it, in words
-- ("MTA-STS enforce for example.com, policy id 2026…: verified TLS 1.3 to mx1.example.com").
ALTER TABLE attempts ADD COLUMN tls_policy TEXT;

-- The operator's per-destination table (`outpost tls-policy add`), consulted before MTA-STS. mode is the
-- table's word (none, may, encrypt, verify); match the MX host patterns allowed, one per line, or NULL
-- for any MX host.
CREATE TABLE tls_policies (
    domain     TEXT PRIMARY KEY,
    mode       TEXT NOT NULL CHECK (mode IN ('none', 'may', 'encrypt', 'verify')),
    match      TEXT,
    created_at INTEGER NOT NULL
);

-- MTA-STS policies fetched from mta-sts.<domain> (RFC 8461), kept until expires_at (fetched_at plus the
-- policy's max_age) so they survive a restart; policy_id is the id of the TXT record they were fetched
-- under, and a new id fetches again. mx holds the policy's patterns, one per line.
CREATE TABLE mta_sts_policies (
    domain     TEXT PRIMARY KEY,
    policy_id  TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('enforce', 'testing', 'none')),
    mx         TEXT NOT NULL,
    max_age    INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
