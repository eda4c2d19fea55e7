-- Queue operations (issue 14, item 7), as in the SQLite back end's migration of the same number.

-- A new final status, 'deleted': an operator removed the recipient without telling the sender.
ALTER TABLE recipients DROP CONSTRAINT recipients_status_check;
ALTER TABLE recipients ADD CONSTRAINT recipients_status_check
    CHECK (status IN ('queued', 'delivering', 'deferred', 'delivered', 'bounced', 'rejected', 'held', 'deleted'));

-- The audit trail: who (and how: cli, api, web, outpost) did what (action and target: a queue selection,
-- a mailbox or a domain), why, when, and how many recipients it changed or left alone. A queue action's
-- line is written first; its counts grow in the transaction of each of its batches.
CREATE TABLE audit (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    via     TEXT,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    domain  TEXT,
    reason  TEXT,
    touched INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX audit_domain ON audit (domain, id);
CREATE INDEX audit_target ON audit (target, id);
