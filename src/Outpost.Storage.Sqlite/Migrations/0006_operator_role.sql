-- A third role: operators, the provider's staff. SQLite cannot change a CHECK constraint in place, so the
-- table is made anew with the same rows.
CREATE TABLE mailboxes_new (
    address       TEXT PRIMARY KEY,
    domain        TEXT NOT NULL REFERENCES domains(name),
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('user', 'admin', 'operator')),
    created_at    INTEGER NOT NULL
);
INSERT INTO mailboxes_new (address, domain, password_hash, role, created_at)
    SELECT address, domain, password_hash, role, created_at FROM mailboxes;
DROP TABLE mailboxes;
ALTER TABLE mailboxes_new RENAME TO mailboxes;
CREATE INDEX mailboxes_domain ON mailboxes(domain);
