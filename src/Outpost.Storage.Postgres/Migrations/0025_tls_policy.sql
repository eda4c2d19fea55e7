-- Outbound TLS policy (issue 17), as in the SQLite back end's migration 0015: each attempt names the TLS
-- policy it went under and what came of it. (The policy table and the MTA-STS cache are SQLite's only so
-- far, like the other stores PostgreSQL does not hold yet.)
ALTER TABLE attempts ADD COLUMN tls_policy TEXT;
