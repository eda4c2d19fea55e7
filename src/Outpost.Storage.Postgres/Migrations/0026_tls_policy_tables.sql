-- Outbound TLS policy (issue 17), the tables of SQLite's migration 0015: the operator's per-destination
-- table (consulted before MTA-STS; match holds the allowed MX patterns one per line, NULL for any) and the
-- fetched MTA-STS policies, kept until expires_at so that a restart does not fetch them again.
CREATE TABLE tls_policies (
    domain     TEXT PRIMARY KEY,
    mode       TEXT NOT NULL CHECK (mode IN ('none', 'may', 'encrypt', 'verify')),
    match      TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE mta_sts_policies (
    domain     TEXT PRIMARY KEY,
    policy_id  TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('enforce', 'testing', 'none')),
    mx         TEXT NOT NULL,
    max_age    BIGINT NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
