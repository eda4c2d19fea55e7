-- Failed logins, shared by the nodes, so the login throttle counts a client's tries on every node together
-- (an attacker behind a load balancer gets no more tries for there being three nodes). One row a failure per
-- key (a client address or network); rows older than the throttle's window are deleted as new ones come.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
