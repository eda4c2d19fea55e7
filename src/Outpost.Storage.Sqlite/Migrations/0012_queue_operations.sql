-- Queue operations (issue 14, item 7).

-- One audit trail for everything a person or Outpost itself does to the queue or to restrictions: who,
-- how (cli, api, web, or outpost itself), what (action and target: a queue selection, a mailbox or a
-- domain), why, when and how many recipients it touched or left alone. A queue action's row is written
-- first and its counts grow in the same transaction as each batch of changes, so the counts are always
-- what really happened, even after a crash halfway. The restrictions' trail moves in here.
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       INTEGER NOT NULL,
    actor    TEXT NOT NULL,
    via      TEXT,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    domain   TEXT,
    reason   TEXT,
    touched  INTEGER NOT NULL DEFAULT 0,
    skipped  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX audit_domain ON audit(domain, id);
CREATE INDEX audit_target ON audit(target, id);

INSERT INTO audit (at, actor, via, action, target, domain, reason)
    SELECT at, by, CASE WHEN by = 'outpost' THEN 'outpost' END, action, subject,
           CASE WHEN instr(subject, '@') > 0 THEN substr(subject, instr(subject, '@') + 1) ELSE subject END, reason
    FROM restriction_events ORDER BY id;
DROP TABLE restriction_events;

-- A new final status, 'deleted' (an operator removed the recipient without telling the sender). SQLite
-- cannot change a CHECK constraint in place, so the table is made anew with the same rows and indexes
-- (the migration runner turns foreign keys off around migrations and checks them before committing).
CREATE TABLE recipients_new (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL REFERENCES messages(id),
    address         TEXT NOT NULL,
    domain          TEXT NOT NULL,
    route           TEXT NOT NULL CHECK (route IN ('local', 'remote')),
    status          TEXT NOT NULL CHECK (status IN ('queued', 'delivering', 'deferred', 'delivered', 'bounced', 'rejected', 'held', 'deleted')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_reply      TEXT,
    updated_at      INTEGER NOT NULL
);
INSERT INTO recipients_new (id, message_id, address, domain, route, status, attempts, next_attempt_at, lease_until, last_reply, updated_at)
    SELECT id, message_id, address, domain, route, status, attempts, next_attempt_at, lease_until, last_reply, updated_at FROM recipients;
DROP TABLE recipients;
ALTER TABLE recipients_new RENAME TO recipients;
CREATE INDEX recipients_message ON recipients(message_id);
CREATE INDEX recipients_address ON recipients(address);
CREATE INDEX recipients_due ON recipients(next_attempt_at) WHERE status IN ('queued', 'deferred', 'delivering');
CREATE INDEX recipients_held ON recipients(next_attempt_at) WHERE status = 'held';
